#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Runs every TwatCache benchmark and writes docs/benchmarks.md with a chart of hit latency vs entries.
.DESCRIPTION
    1. BenchmarkDotNet (benchmarks/TwatCache.Benchmarks): engines beside raw stores and competitors, key
       hashing, JSON payloads; short in-process jobs.
    2. Scale runs of the same project: LiteDb hit latency and store size at growing entry counts within a
       time budget, and the File engine at 10k entries when this build has it.
    3. benchmarks/pwsh-bench.ps1: the cmdlets against plain PowerShell.
    4. The report: machine, versions, load, every figure beside its baseline from the same run, the
       targets of issues 9, 13 and 17 as met / not met, and an SVG chart written next to it.
    Expects the solution built in Release and the module laid out (build.ps1 Bench does both first).

    -BaselineModulePath (optional; issue 17, old design vs new in one run): another TwatCache.psd1, e.g.
    main's out/TwatCache/TwatCache.psd1 laid out in another worktree. pwsh-bench.ps1 then also runs
    against it (to pwsh-baseline.json, right after the run against -ModulePath), and the report gains an
    "old design" column for every pwsh-bench target row. build.ps1 Bench passes it from the environment
    variable TWATCACHE_BENCH_BASELINE.
.EXAMPLE
    dotnet pwsh ./benchmarks/Invoke-Benchmarks.ps1 -ModulePath ./out/TwatCache/TwatCache.psd1 -BaselineModulePath ../main/out/TwatCache/TwatCache.psd1
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $OutDir = (Join-Path $PSScriptRoot '../out/bench'),
    [string] $ReportPath = (Join-Path $PSScriptRoot '../docs/benchmarks.md'),
    # Seconds the LiteDb scale run may spend filling its store; checkpoints past it are extrapolated.
    [int] $ScaleBudgetSeconds = 240,
    [int] $Rounds = 5,
    # Issue 17: a second module (the old design) to run pwsh-bench.ps1 against in the same run.
    [string] $BaselineModulePath = '',
    # Issue 17: pipeline sizes of the fresh-process persistent-hit measurement ($env:TWATCACHE_BENCH_ITEMS,
    # comma-separated, through build.ps1 Bench); 100,000 misses take many minutes to seed on a slow store.
    [string] $PersistentItems = '5000,100000'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$OutDir = [IO.Path]::GetFullPath($OutDir)
$ReportPath = [IO.Path]::GetFullPath($ReportPath)
if ($BaselineModulePath) {
    if (-not (Test-Path $BaselineModulePath)) { throw "-BaselineModulePath $BaselineModulePath does not exist." }
    $BaselineModulePath = (Resolve-Path $BaselineModulePath).Path
}
$benchDll = Join-Path $PSScriptRoot 'TwatCache.Benchmarks/bin/Release/net10.0/TwatCache.Benchmarks.dll'
if (-not (Test-Path $benchDll)) { throw "Build the solution in Release first: $benchDll is missing." }
if (Test-Path $OutDir) { Remove-Item $OutDir -Recurse -Force }
New-Item -ItemType Directory -Path $OutDir -Force | Out-Null

function Invoke-Step([string] $What, [scriptblock] $Command) {
    Write-Host "==> $What" -ForegroundColor Cyan
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}
function Get-Load { (Get-Content /proc/loadavg -ErrorAction SilentlyContinue) -replace '^(\S+ \S+ \S+).*', '$1' }

$started = [DateTime]::UtcNow
$loadBefore = Get-Load
$bdnDir = Join-Path $OutDir 'bdn'
Invoke-Step 'BenchmarkDotNet (core)' { dotnet $benchDll --filter '*' --artifacts $bdnDir }
$loadAfterBdn = Get-Load
$scaleLite = Join-Path $OutDir 'scale-litedb.json'
Invoke-Step "scale: LiteDb up to 1M entries ($ScaleBudgetSeconds s fill budget)" {
    dotnet $benchDll scale --engine LiteDb --entries '1000,10000,100000,1000000' --budget-seconds $ScaleBudgetSeconds --out $scaleLite
}
$scaleFile = Join-Path $OutDir 'scale-file.json'
Invoke-Step 'scale: File engine at 10k entries' {
    dotnet $benchDll scale --engine File --entries '1000,10000' --budget-seconds 120 --out $scaleFile
}
$loadAfterScale = Get-Load
$pwshJson = Join-Path $OutDir 'pwsh.json'
Invoke-Step 'pwsh-bench.ps1 (cmdlets)' {
    & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'pwsh-bench.ps1') -ModulePath $ModulePath -OutPath $pwshJson -Rounds $Rounds -PersistentItems $PersistentItems
}
$pwshBaselineJson = Join-Path $OutDir 'pwsh-baseline.json'
if ($BaselineModulePath) {
    Invoke-Step "pwsh-bench.ps1 (cmdlets) against the baseline module $BaselineModulePath" {
        & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -File (Join-Path $PSScriptRoot 'pwsh-bench.ps1') -ModulePath $BaselineModulePath -OutPath $pwshBaselineJson -Rounds $Rounds -PersistentItems $PersistentItems
    }
}
$loadAfter = Get-Load
$elapsed = [DateTime]::UtcNow - $started

& (Join-Path $PSScriptRoot 'Write-BenchmarkReport.ps1') -BdnDir $bdnDir -ScaleLiteDb $scaleLite -ScaleFile $scaleFile -Pwsh $pwshJson `
    -BaselinePwsh $(if ($BaselineModulePath) { $pwshBaselineJson } else { '' }) `
    -ReportPath $ReportPath -Loads ([ordered]@{ 'before' = $loadBefore; 'after BenchmarkDotNet' = $loadAfterBdn; 'after scale' = $loadAfterScale; 'after pwsh-bench' = $loadAfter }) `
    -Elapsed $elapsed
