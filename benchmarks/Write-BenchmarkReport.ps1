#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Writes docs/benchmarks.md (and the hit-latency chart beside it) from one benchmark run's results.
.DESCRIPTION
    Called by Invoke-Benchmarks.ps1. Every ratio compares figures from this same run. Checkpoints that
    the scale run could not reach within its budget are extrapolated and marked as such.
    benchmarks/analysis.md (hand-written: what bounds each target) is appended verbatim.
    -BaselinePwsh (optional): pwsh-bench.ps1's JSON from the same run against another module (the old
    design, issue 17); every pwsh-bench target row then shows that module's ratio in an "old design"
    column (blank where the baseline has no such figure).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $BdnDir,
    [Parameter(Mandatory)] [string] $ScaleLiteDb,
    [Parameter(Mandatory)] [string] $ScaleFile,
    [Parameter(Mandatory)] [string] $Pwsh,
    [Parameter(Mandatory)] [string] $ReportPath,
    [string] $BaselinePwsh = '',
    [System.Collections.IDictionary] $Loads = @{},
    [TimeSpan] $Elapsed = [TimeSpan]::Zero
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$inv = [Globalization.CultureInfo]::InvariantCulture
function F([double] $v, [string] $fmt = 'N1') { $v.ToString($fmt, $inv) }

# --- inputs ---------------------------------------------------------------------------------------------
# One report per benchmark class (each class has its own baseline).
$briefJson = @(Get-ChildItem (Join-Path $BdnDir 'results') -Filter '*-report-brief.json' | Sort-Object Name)
$bdnMarkdown = @(Get-ChildItem (Join-Path $BdnDir 'results') -Filter '*-report-github.md' | Sort-Object Name)
if ($briefJson.Count -eq 0) { throw "No BenchmarkDotNet JSON report under $BdnDir." }
$bdn = [pscustomobject]@{ Benchmarks = @($briefJson | ForEach-Object { (Get-Content $_.FullName -Raw | ConvertFrom-Json).Benchmarks }) }
$scale = Get-Content $ScaleLiteDb -Raw | ConvertFrom-Json
$fileScale = Get-Content $ScaleFile -Raw | ConvertFrom-Json
$ps = Get-Content $Pwsh -Raw | ConvertFrom-Json
$psOld = if ($BaselinePwsh) { Get-Content $BaselinePwsh -Raw | ConvertFrom-Json } else { $null }

function Get-Bdn([string] $Type, [string] $Method) {
    $b = @($bdn.Benchmarks | Where-Object { $_.Type -eq $Type -and $_.Method -eq $Method }) | Select-Object -First 1
    if (-not $b) { throw "BenchmarkDotNet result $Type.$Method is missing." }
    [pscustomobject]@{ Ns = [double]$b.Statistics.Median; Bytes = [double]$b.Memory.BytesAllocatedPerOperation }
}
# A parameterised benchmark: the case whose Parameters read e.g. "Entries=100000".
function Get-BdnCase([string] $Type, [string] $Method, [string] $Parameters) {
    $b = @($bdn.Benchmarks | Where-Object { $_.Type -eq $Type -and $_.Method -eq $Method -and "$($_.Parameters)" -eq $Parameters }) | Select-Object -First 1
    if (-not $b) { throw "BenchmarkDotNet result $Type.$Method ($Parameters) is missing." }
    [pscustomobject]@{ Ns = [double]$b.Statistics.Median; Bytes = [double]$b.Memory.BytesAllocatedPerOperation }
}
# Issue 17's fresh-process pipelines (absent from JSON written before issue 17).
function Get-Persistent($p) { if ($p -and $p.PSObject.Properties['PersistentPipeline']) { @($p.PersistentPipeline) } else { @() } }

# --- machine ----------------------------------------------------------------------------------------------
$cpu = ((Get-Content /proc/cpuinfo | Where-Object { $_ -like 'model name*' } | Select-Object -First 1) -split ':\s*', 2)[1]
$memKb = [double](((Get-Content /proc/meminfo | Where-Object { $_ -like 'MemTotal*' }) -split '\s+')[1])
$nproc = (& nproc).Trim()
$os = if (Test-Path /etc/os-release) { ((Get-Content /etc/os-release | Where-Object { $_ -like 'PRETTY_NAME=*' }) -replace 'PRETTY_NAME=|"', '') } else { [Environment]::OSVersion.VersionString }
$dotnet = (& dotnet --version).Trim()
$pkgVersions = 'BenchmarkDotNet 0.15.8, ZiggyCreatures.FusionCache 2.9.0, BitFaster.Caching 2.6.1, LiteDB 5.0.21, Microsoft.Extensions.Caching.Memory 10.0.0'

# --- targets ---------------------------------------------------------------------------------------------
$rawMem = Get-Bdn MemoryEngineBenchmarks RawHit
$memHit = Get-Bdn MemoryEngineBenchmarks Hit
$memHitStr = Get-Bdn MemoryEngineBenchmarks HitByStringKey
$fusion = Get-Bdn MemoryEngineBenchmarks FusionGetOrSet
$rawLite = Get-Bdn LiteDbEngineBenchmarks RawHit
$liteHit = Get-Bdn LiteDbEngineBenchmarks Hit
$liteHitStr = Get-Bdn LiteDbEngineBenchmarks HitByStringKey
$persistentHit = Get-BdnCase PersistentHitBenchmarks Hit 'Entries=100000'

$pts = @($scale.Points)
$first = $pts[0]
$last = $pts[-1]
# Extrapolation to 1M for an unreached checkpoint: hit latency on a log(entries) line through the measured
# points (B-tree lookups grow with depth), store size per entry from the largest measured store.
$extrapolated = $last.Entries -lt 1000000
$hit1M = $last.HitMedianMicroseconds
$ratio1M = $last.StoreToPayload
if ($extrapolated -and $pts.Count -ge 2) {
    $xs = $pts | ForEach-Object { [math]::Log10($_.Entries) }; $ys = $pts | ForEach-Object { $_.HitMedianMicroseconds }
    $mx = ($xs | Measure-Object -Average).Average; $my = ($ys | Measure-Object -Average).Average
    $num = 0.0; $den = 0.0
    for ($i = 0; $i -lt $pts.Count; $i++) { $num += ($xs[$i] - $mx) * ($ys[$i] - $my); $den += ($xs[$i] - $mx) * ($xs[$i] - $mx) }
    # A falling line is load noise, not a faster big store: never extrapolate below the largest measured point.
    $slope = if ($den -gt 0) { [math]::Max(0, $num / $den) } else { 0 }
    $hit1M = [math]::Max($last.HitMedianMicroseconds, $my + $slope * (6 - $mx))
}
$scaleLabel = if ($extrapolated) { "extrapolated from $($last.Entries.ToString('N0', $inv)) entries" } else { 'measured' }

# The rows pwsh-bench.ps1 measures, from one of its JSON files (this module's, or -BaselinePwsh's).
function Get-PwshTargets($ps) {
    @(
    [pscustomobject]@{ Target = 'Invoke-Cached memory hit vs a Write-Output call (same loop)'; Measured = "$(F $ps.PerCallMicroseconds.InvokeCached) µs"; Baseline = "$(F $ps.PerCallMicroseconds.WriteOutput) µs"; Ratio = $ps.PerCallMicroseconds.InvokeCached / $ps.PerCallMicroseconds.WriteOutput; Goal = 1.5 }
    [pscustomobject]@{ Target = 'Invoke-Cached memory hits in a pipeline, per item, vs ForEach-Object of the same block (issue 13)'; Measured = "$(F $ps.PipelinePerItemMicroseconds.InvokeCachedAllHits) µs"; Baseline = "$(F $ps.PipelinePerItemMicroseconds.ForEachObject) µs"; Ratio = $ps.PipelinePerItemMicroseconds.InvokeCachedAllHits / $ps.PipelinePerItemMicroseconds.ForEachObject; Goal = 2.0 }
    [pscustomobject]@{ Target = 'LiteDb hit of 1000 objects, fresh process, vs Import-Clixml'; Measured = "$(F $ps.FreshProcess1000Objects.LiteDbHitMs) ms"; Baseline = "$(F $ps.FreshProcess1000Objects.ImportClixmlMs) ms"; Ratio = $ps.FreshProcess1000Objects.LiteDbHitMs / $ps.FreshProcess1000Objects.ImportClixmlMs; Goal = 1.2 }
    [pscustomobject]@{ Target = 'Import-Module TwatCache over a bare pwsh start: wall-time difference of whole processes (ms, not a ratio)'; Measured = "$(F $ps.ImportModule.PwshStartWithImportMs 0) ms"; Baseline = "$(F $ps.ImportModule.BarePwshStartMs 0) ms"; Ratio = $ps.ImportModule.OverBareStartMs; Goal = 150 }
    [pscustomobject]@{ Target = 'Import-Module TwatCache timed inside a fresh pwsh, over Import-Module of an empty script module (its own share; ms)'; Measured = "$(F $ps.ImportModule.ImportModuleInProcessMs 0) ms"; Baseline = "$(F $ps.ImportModule.ImportEmptyModuleInProcessMs 0) ms"; Ratio = $ps.ImportModule.ImportModuleInProcessMs - $ps.ImportModule.ImportEmptyModuleInProcessMs; Goal = 150 }
    foreach ($pp in Get-Persistent $ps) {
        [pscustomobject]@{ Target = "Fresh-process pipeline of $(([int]$pp.Items).ToString('N0', $inv)) hits from the default store vs hand-written Import-Clixml hashtable (issue 17)"; Measured = "$(F $pp.CachedMs 'N0') ms"; Baseline = "$(F $pp.BaselineMs 'N0') ms"; Ratio = $pp.CachedMs / $pp.BaselineMs; Goal = 2.0 }
    }
    )
}
$pwshTargets = Get-PwshTargets $ps
$oldTargets = if ($psOld) { Get-PwshTargets $psOld } else { @() }
$targets = @(
    $pwshTargets
    [pscustomobject]@{ Target = 'Core memory hit (hashed key) vs raw MemoryCache.TryGetValue'; Measured = "$(F $memHit.Ns) ns"; Baseline = "$(F $rawMem.Ns) ns"; Ratio = $memHit.Ns / $rawMem.Ns; Goal = 2.0 }
    [pscustomobject]@{ Target = 'Core memory hit (TryGet<T>, string key hashed per call) vs raw TryGetValue'; Measured = "$(F $memHitStr.Ns) ns"; Baseline = "$(F $rawMem.Ns) ns"; Ratio = $memHitStr.Ns / $rawMem.Ns; Goal = 2.0 }
    [pscustomobject]@{ Target = 'Core memory hit (hashed key) vs FusionCache GetOrSet'; Measured = "$(F $memHit.Ns) ns"; Baseline = "$(F $fusion.Ns) ns"; Ratio = $memHit.Ns / $fusion.Ns; Goal = 1.0 }
    [pscustomobject]@{ Target = 'Core memory hit (TryGet<T>, string key) vs FusionCache GetOrSet'; Measured = "$(F $memHitStr.Ns) ns"; Baseline = "$(F $fusion.Ns) ns"; Ratio = $memHitStr.Ns / $fusion.Ns; Goal = 1.0 }
    [pscustomobject]@{ Target = 'Core LiteDb hit (hashed key) vs raw LiteDB FindById, shared mode'; Measured = "$(F ($liteHit.Ns / 1000)) µs"; Baseline = "$(F ($rawLite.Ns / 1000)) µs"; Ratio = $liteHit.Ns / $rawLite.Ns; Goal = 1.5 }
    [pscustomobject]@{ Target = "LiteDb hit at 1M entries vs at 1k ($scaleLabel)"; Measured = "$(F $hit1M) µs"; Baseline = "$(F $first.HitMedianMicroseconds) µs"; Ratio = $hit1M / $first.HitMedianMicroseconds; Goal = 2.0 }
    [pscustomobject]@{ Target = "LiteDb store size vs payload bytes at $($last.Entries.ToString('N0', $inv)) entries"; Measured = "$(F ($last.StoreBytes / 1MB)) MiB"; Baseline = "$(F ($last.PayloadBytes / 1MB)) MiB"; Ratio = $last.StoreToPayload; Goal = 1.5 }
    [pscustomobject]@{ Target = 'Core LiteDb persistent hit at 100k entries (BenchmarkDotNet; µs, not a ratio; issue 17)'; Measured = "$(F ($persistentHit.Ns / 1000)) µs"; Baseline = ''; Ratio = $persistentHit.Ns / 1000; Goal = 50; Unit = 'µs' }
)
# How a row's ratio and goal read: a ratio, or an absolute figure in ms or µs.
function Get-Unit($t) { if ($t.PSObject.Properties['Unit']) { $t.Unit } elseif ($t.Target -like 'Import-Module*') { 'ms' } else { '' } }
function Format-Ratio($t) {
    switch (Get-Unit $t) {
        'ms' { "$(if ($t.Ratio -ge 0) { '+' })$(F $t.Ratio 'N0') ms" }
        'µs' { "$(F $t.Ratio) µs" }
        default { "$(F $t.Ratio 'N2')x" }
    }
}

# --- chart ---------------------------------------------------------------------------------------------
$svgPath = [IO.Path]::ChangeExtension($ReportPath, $null).TrimEnd('.') + '-hit-latency.svg'
$W = 640; $H = 360; $L = 70; $R = 20; $T = 40; $B = 50
$series = @(@{ Name = 'LiteDb'; Color = '#1f77b4'; Points = $pts })
if (-not $fileScale.Unavailable -and @($fileScale.Points).Count -gt 0) { $series += @{ Name = 'File'; Color = '#d62728'; Points = @($fileScale.Points) } }
$allY = @($series | ForEach-Object { $_.Points | ForEach-Object { $_.HitMedianMicroseconds } }) + @($hit1M)
$yMax = [math]::Max(1, ($allY | Measure-Object -Maximum).Maximum * 1.15)
function X([double] $n) { $L + ([math]::Log10($n) - 3) / 3 * ($W - $L - $R) }
function Y([double] $v) { $H - $B - $v / $yMax * ($H - $T - $B) }
$svg = [Text.StringBuilder]::new()
[void]$svg.AppendLine("<svg xmlns=`"http://www.w3.org/2000/svg`" width=`"$W`" height=`"$H`" font-family=`"sans-serif`" font-size=`"12`">")
[void]$svg.AppendLine("<rect width=`"$W`" height=`"$H`" fill=`"white`"/>")
[void]$svg.AppendLine("<text x=`"$($W / 2)`" y=`"22`" text-anchor=`"middle`" font-size=`"14`">Hit latency (median) vs entries in the store</text>")
[void]$svg.AppendLine("<line x1=`"$L`" y1=`"$($H - $B)`" x2=`"$($W - $R)`" y2=`"$($H - $B)`" stroke=`"black`"/><line x1=`"$L`" y1=`"$T`" x2=`"$L`" y2=`"$($H - $B)`" stroke=`"black`"/>")
foreach ($n in 1000, 10000, 100000, 1000000) {
    $x = F (X $n) 'F1'
    [void]$svg.AppendLine("<line x1=`"$x`" y1=`"$($H - $B)`" x2=`"$x`" y2=`"$($H - $B + 5)`" stroke=`"black`"/><text x=`"$x`" y=`"$($H - $B + 20)`" text-anchor=`"middle`">$($n.ToString('N0', $inv))</text>")
}
for ($k = 0; $k -le 4; $k++) {
    $v = $yMax * $k / 4; $y = F (Y $v) 'F1'
    [void]$svg.AppendLine("<line x1=`"$($L - 5)`" y1=`"$y`" x2=`"$($W - $R)`" y2=`"$y`" stroke=`"#ddd`"/><text x=`"$($L - 8)`" y=`"$y`" text-anchor=`"end`" dominant-baseline=`"middle`">$(F $v 'N0')</text>")
}
[void]$svg.AppendLine("<text x=`"$($W / 2)`" y=`"$($H - 10)`" text-anchor=`"middle`">entries (log scale)</text>")
[void]$svg.AppendLine("<text x=`"16`" y=`"$($H / 2)`" text-anchor=`"middle`" transform=`"rotate(-90 16 $($H / 2))`">µs per hit</text>")
$legendY = $T + 5
foreach ($s in $series) {
    $coords = ($s.Points | ForEach-Object { "$(F (X $_.Entries) 'F1'),$(F (Y $_.HitMedianMicroseconds) 'F1')" }) -join ' '
    [void]$svg.AppendLine("<polyline points=`"$coords`" fill=`"none`" stroke=`"$($s.Color)`" stroke-width=`"2`"/>")
    foreach ($p in $s.Points) { [void]$svg.AppendLine("<circle cx=`"$(F (X $p.Entries) 'F1')`" cy=`"$(F (Y $p.HitMedianMicroseconds) 'F1')`" r=`"4`" fill=`"$($s.Color)`"/>") }
    [void]$svg.AppendLine("<text x=`"$($L + 15)`" y=`"$legendY`" fill=`"$($s.Color)`">$($s.Name) (measured)</text>"); $legendY += 16
}
if ($extrapolated) {
    $lx = F (X $last.Entries) 'F1'; $ly = F (Y $last.HitMedianMicroseconds) 'F1'; $ex = F (X 1000000) 'F1'; $ey = F (Y $hit1M) 'F1'
    [void]$svg.AppendLine("<line x1=`"$lx`" y1=`"$ly`" x2=`"$ex`" y2=`"$ey`" stroke=`"#1f77b4`" stroke-dasharray=`"5,4`"/><circle cx=`"$ex`" cy=`"$ey`" r=`"4`" fill=`"white`" stroke=`"#1f77b4`"/>")
    [void]$svg.AppendLine("<text x=`"$($L + 15)`" y=`"$legendY`" fill=`"#1f77b4`">LiteDb 1M (extrapolated, hollow)</text>")
}
[void]$svg.AppendLine('</svg>')
New-Item -ItemType Directory -Path (Split-Path -Parent $ReportPath) -Force | Out-Null
Set-Content -Path $svgPath -Value $svg.ToString() -Encoding utf8NoBOM

# --- markdown --------------------------------------------------------------------------------------------
$md = [Text.StringBuilder]::new()
function Line([string] $s = '') { [void]$md.AppendLine($s) }
Line '# TwatCache benchmarks'
Line
Line "Written by ``./build.ps1 Bench`` on $([DateTime]::UtcNow.ToString('yyyy-MM-dd HH:mm', $inv)) UTC (the run took $(F $Elapsed.TotalMinutes) min). Every ratio"
Line 'below compares two figures from this same run; absolute figures move with the machine''s load, ratios much less.'
Line 'Regenerate with `dotnet pwsh ./build.ps1 Bench`; the hand-written analysis at the end comes from `benchmarks/analysis.md`.'
Line
Line '## Machine'
Line
Line "- CPU: $cpu, $nproc logical cores (nproc); memory $(F ($memKb / 1MB)) GiB; $os"
Line "- .NET SDK $dotnet; PowerShell $($PSVersionTable.PSVersion) (local tool); $pkgVersions"
Line "- Load average (1/5/15 min, from /proc/loadavg): $(($Loads.GetEnumerator() | ForEach-Object { "$($_.Key): $($_.Value)" }) -join '; ')."
Line '  The machine is shared with other engineers building and testing, so absolute times are inflated and noisy.'
Line
Line '## Targets (issues 9, 13 and 17)'
Line
if ($psOld) {
    Line 'The "old design" column is the same pwsh-bench.ps1 run, in this same run, against the module given as'
    Line '`-BaselineModulePath` (its ratio, then its measured figure); blank where that module has no such figure.'
    Line
    Line '| target | TwatCache | baseline | ratio | goal | met | old design |'
    Line '|---|---:|---:|---:|---:|:---:|---:|'
} else {
    Line '| target | TwatCache | baseline | ratio | goal | met |'
    Line '|---|---:|---:|---:|---:|:---:|'
}
foreach ($t in $targets) {
    $unit = Get-Unit $t
    $ratio = Format-Ratio $t
    $goal = if ($unit) { "<= $($t.Goal) $unit" } else { "<= $($t.Goal)x" }
    $verdict = if ($t.Ratio -le $t.Goal) { 'met' } else { '**not met**' }
    if ($t.Target -like '*extrapolated*') { $verdict += ' (estimate only)' }
    $row = "| $($t.Target) | $($t.Measured) | $($t.Baseline) | $ratio | $goal | $verdict |"
    if ($psOld) {
        $old = @($oldTargets | Where-Object Target -eq $t.Target) | Select-Object -First 1
        $row += if ($old) { " $(Format-Ratio $old) ($($old.Measured)) |" } else { ' |' }
    }
    Line $row
}
Line
Line '## PowerShell (benchmarks/pwsh-bench.ps1)'
Line
Line "Medians of $($ps.Rounds) rounds; in each round every variant runs once, alternating. Wall time is the figure;"
Line 'CPU time (all threads of the measuring process) is given beside it because it is far less disturbed by other load.'
Line "Per-call CPU ratio, Invoke-Cached hit / Write-Output: $(F ($ps.PerCallCpuMicroseconds.InvokeCached / $ps.PerCallCpuMicroseconds.WriteOutput) 'N2')x; fresh-process CPU ratio, LiteDb hit / Import-Clixml: $(F ($ps.FreshProcess1000Objects.LiteDbHitCpuMs / $ps.FreshProcess1000Objects.ImportClixmlCpuMs) 'N2')x."
Line
Line "| measurement | figure | baseline | figure |"
Line '|---|---:|---|---:|'
Line "| ``Invoke-Cached { 5 } -Engine Memory`` (hit), per call in a loop of $($ps.Calls) | $(F $ps.PerCallMicroseconds.InvokeCached) µs (CPU $(F $ps.PerCallCpuMicroseconds.InvokeCached) µs) | ``Write-Output 5`` in the same loop | $(F $ps.PerCallMicroseconds.WriteOutput) µs (CPU $(F $ps.PerCallCpuMicroseconds.WriteOutput) µs) |"
Line "| same | $(F $ps.PerCallMicroseconds.InvokeCached) µs | hand-written hashtable memo | $(F $ps.PerCallMicroseconds.HashtableMemo) µs (CPU $(F $ps.PerCallCpuMicroseconds.HashtableMemo) µs) |"
Line "| LiteDb hit of 1000 ``[pscustomobject]``s (5 properties), first call in a fresh process (module already imported) | $(F $ps.FreshProcess1000Objects.LiteDbHitMs) ms (CPU $(F $ps.FreshProcess1000Objects.LiteDbHitCpuMs) ms) | ``Import-Clixml`` of the same objects in a fresh process ($(F ($ps.FreshProcess1000Objects.ClixmlFileBytes / 1KB) 'N0') KiB file) | $(F $ps.FreshProcess1000Objects.ImportClixmlMs) ms (CPU $(F $ps.FreshProcess1000Objects.ImportClixmlCpuMs) ms) |"
Line "| ``pwsh -Command 'Import-Module TwatCache; exit'`` wall time | $(F $ps.ImportModule.PwshStartWithImportMs 0) ms | ``pwsh -Command 'exit'`` | $(F $ps.ImportModule.BarePwshStartMs 0) ms |"
Line "| ``Import-Module TwatCache`` alone, measured inside a fresh process | $(F $ps.ImportModule.ImportModuleInProcessMs 0) ms | ``Import-Module`` of an empty script module, the same way | $(F $ps.ImportModule.ImportEmptyModuleInProcessMs 0) ms |"
Line "| pipeline: $($ps.PipelineItems.ToString('N0', $inv)) items through ``Invoke-Cached { `$_ * 2 }``, all hits, per item | $(F $ps.PipelinePerItemMicroseconds.InvokeCachedAllHits) µs (CPU $(F $ps.PipelinePerItemMicroseconds.InvokeCachedAllHitsCpu) µs) | ``ForEach-Object { `$_ * 2 }`` | $(F $ps.PipelinePerItemMicroseconds.ForEachObject) µs (CPU $(F $ps.PipelinePerItemMicroseconds.ForEachObjectCpu) µs) |"
# (A | inside a table cell is written \| even in code, or GitHub splits the cell there.)
foreach ($pp in Get-Persistent $ps) {
    $nTxt = ([int]$pp.Items).ToString('N0', $inv)
    Line "| fresh process, module imported outside the timer: ``1..$($pp.Items) \| Invoke-Cached { [pscustomobject]@{ Id; Name; Size } } -Ttl 1d``, all hits from the default store (seeded in its own process in $(F $pp.SeedSeconds 'N0') s), median of $($pp.Rounds) | $(F $pp.CachedMs 'N0') ms (CPU $(F $pp.CachedCpuMs 'N0') ms) | ``Import-Clixml`` of a hashtable of the same objects, then ``1..$($pp.Items) \| ForEach-Object { `$h[`$_] }``, timed together in a fresh process | $(F $pp.BaselineMs 'N0') ms (CPU $(F $pp.BaselineCpuMs 'N0') ms) |"
    Line "| size on disk of that store after seeding $nTxt entries (all files under the cache root) | $(F ($pp.StoreBytes / 1MB) 'N2') MiB ($($pp.StoreBytes.ToString('N0', $inv)) bytes) | the CliXml file of the hashtable | $(F ($pp.ClixmlFileBytes / 1MB) 'N2') MiB ($($pp.ClixmlFileBytes.ToString('N0', $inv)) bytes) |"
    if ($pp.PSObject.Properties['FirstCachedMs']) {
        Line "| same, the first of those rounds alone (the replay right after seeding: it reads the entries one document each and writes the family's pack, which the later rounds read) | $(F $pp.FirstCachedMs 'N0') ms | the hand-written loop, median | $(F $pp.BaselineMs 'N0') ms |"
        Line "| size on disk of that store after the replays (the entries and the family's pack) | $(F ($pp.StoreBytesAfterReplays / 1MB) 'N2') MiB ($(([long]$pp.StoreBytesAfterReplays).ToString('N0', $inv)) bytes) | the CliXml file of the hashtable | $(F ($pp.ClixmlFileBytes / 1MB) 'N2') MiB |"
    }
}
Line
Line '## Core (BenchmarkDotNet)'
Line
Line 'In-process short job (2 warmups, 10 iterations of ~120 ms), `[MemoryDiagnoser]`. `Ratio` is against the'
Line 'baseline of each class: the raw store for engines, hashing a string key for keys, one record for JSON.'
Line
$firstFile = $true
foreach ($file in $bdnMarkdown) {
    Line "### $(($file.BaseName -replace '-report-github$', '') -replace '^TwatCache\.Benchmarks\.', '')"
    Line
    $inTable = $false
    foreach ($l in Get-Content $file.FullName) {
        if ($l.StartsWith('```')) { continue }
        if ($l.StartsWith('|')) { if (-not $inTable) { Line }; $inTable = $true; Line $l }
        elseif (-not $inTable -and $firstFile -and $l.Trim().Length -gt 0) { Line "    $l" }   # environment block, once
    }
    Line
    $firstFile = $false
}
Line
Line '## Scale'
Line
Line "The store is filled through the public API (``CacheContext.Set``, one shared-mode write each) for at most"
Line "$(F $scale.BudgetSeconds 'N0') s; at each checkpoint reached, 5 batches of 200 random-key hits are timed (median per hit)."
Line
Line '| engine | entries | hit median | payload | store on disk | store / payload | fill time so far |'
Line '|---|---:|---:|---:|---:|---:|---:|'
foreach ($s in @(@{ N = 'LiteDb'; R = $scale }, @{ N = 'File'; R = $fileScale })) {
    if ($s.R.Unavailable) { Line "| $($s.N) | not in this build: $($s.R.Unavailable) | | | | | |"; continue }
    foreach ($p in $s.R.Points) {
        $note = if ($p.Entries -lt $p.Requested) { " (of $($p.Requested.ToString('N0', $inv)) requested: budget spent)" } else { '' }
        Line "| $($s.N) | $($p.Entries.ToString('N0', $inv))$note | $(F $p.HitMedianMicroseconds) µs | $(F ($p.PayloadBytes / 1MB) 'N2') MiB | $(F ($p.StoreBytes / 1MB) 'N2') MiB | $(F $p.StoreToPayload 'N2')x | $(F $p.FillSeconds 'N0') s |"
    }
}
if ($extrapolated) {
    Line "| LiteDb | 1,000,000 (**extrapolated**, not measured) | ~$(F $hit1M) µs | | | | ~$(F ($last.FillSeconds / $last.Entries * 1000000 / 60) 'N0') min to fill at the measured rate |"
    Line
    Line "1M entries did not fit the fill budget. The 1M hit latency above is a least-squares line in log10(entries)"
    Line 'through the measured points (B-tree lookups grow with tree depth), never below the largest measured point,'
    Line 'and is an estimate only: between checkpoints the machine''s load moved the latency more than the entry count did.'
}
Line
Line "![Hit latency vs entries]($(Split-Path -Leaf $svgPath))"
Line
$analysis = Join-Path $PSScriptRoot 'analysis.md'
if (Test-Path $analysis) { foreach ($l in Get-Content $analysis) { Line $l } }
Set-Content -Path $ReportPath -Value $md.ToString() -Encoding utf8NoBOM
Write-Host "Wrote $ReportPath and $svgPath" -ForegroundColor Green
