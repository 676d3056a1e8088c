<#
.SYNOPSIS
    Runs the Pester suite in its own pwsh process (so the module under test loads fresh) and writes
    a JSON summary { Passed, Failed, FailedNames } for build.ps1.
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
# Names and first message lines of what failed: build.ps1 repeats them beside its closing line, where a
# CI log that keeps only its tail still shows them.
function Get-FirstErrorLine($ErrorRecords) { ("$(@($ErrorRecords)[0])" -split "`n")[0] }
$names = @(
    foreach ($t in $result.Failed) { '{0}: {1}' -f $t.ExpandedPath, (Get-FirstErrorLine $t.ErrorRecord) }
    foreach ($b in $result.FailedBlocks) { 'block {0}: {1}' -f $b.ExpandedPath, (Get-FirstErrorLine $b.ErrorRecord) }
    foreach ($c in $result.FailedContainers) { 'file {0}: {1}' -f $c.Item, (Get-FirstErrorLine $c.ErrorRecord) }
)
@{ Passed = $result.PassedCount; Failed = $failed; FailedNames = $names } | ConvertTo-Json -Depth 3 | Set-Content -Path $SummaryPath
