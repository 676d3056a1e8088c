<#
.SYNOPSIS
    Runs the Pester suite in its own pwsh process (so the module under test loads fresh) and writes
    a JSON summary { Passed, Failed } for build.ps1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $Filter = ''
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:TWATCACHE_TEST_MODULE = (Resolve-Path $ModulePath).Path
# -Filter: comma-separated name prefixes (empty: every file).
$prefixes = @($Filter -split ',' | ForEach-Object Trim)
$files = Get-ChildItem (Join-Path $PSScriptRoot '*.Tests.ps1') | Where-Object { $n = $_.Name; @($prefixes | Where-Object { $n -like "$_*" }).Count -gt 0 }
if (-not $files) { throw "No Pester file matches '$Filter'." }
$config = New-PesterConfiguration
$config.Run.Path = @($files.FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$result = Invoke-Pester -Configuration $config
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
@{ Passed = $result.PassedCount; Failed = $failed } | ConvertTo-Json | Set-Content -Path $SummaryPath
