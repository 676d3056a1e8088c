#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Packs the laid-out module folder (out/TwatCache) as TwatCache.<version>.nupkg for a PowerShell repository.
.DESCRIPTION
    Uses PSResourceGet's Compress-PSResource (it ships with PowerShell 7.4+), so the package is exactly what
    Publish-PSResource would upload to PSGallery, and installs with Install-PSResource from any folder or feed.
    Registers no repository: the user's PSResourceGet settings are not touched. Returns the .nupkg file.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleDir,
    [Parameter(Mandatory)] [string] $DestinationPath
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$manifestPath = Join-Path $ModuleDir 'TwatCache.psd1'
if (-not (Test-Path $manifestPath)) { throw "No module at $ModuleDir (run ./build.ps1 Build first)." }
if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
    throw 'Compress-PSResource was not found: packaging needs Microsoft.PowerShell.PSResourceGet 1.1 or later (PowerShell 7.4+ ships it).'
}
$version = (Import-PowerShellDataFile $manifestPath).ModuleVersion
New-Item -ItemType Directory -Path $DestinationPath -Force | Out-Null
$target = Join-Path $DestinationPath "TwatCache.$version.nupkg"
if (Test-Path $target) { Remove-Item $target -Force }

Compress-PSResource -Path $ModuleDir -DestinationPath $DestinationPath
if (-not (Test-Path $target)) { throw "Compress-PSResource wrote no $target." }
Get-Item $target
