#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Times TwatCache's cmdlets against what a script would do without it, in the same run.
.DESCRIPTION
    Each figure is the median of -Rounds repeated runs, and each TwatCache figure is measured beside
    its baseline in the same rounds (alternating), so their ratio is fair even on a busy machine:
      - per call: Invoke-Cached memory hit vs a bare Write-Output call vs a hand-written hashtable memo;
      - a LiteDb hit of 1000 [pscustomobject]s (5 properties) in a fresh process vs Import-Clixml of
        the same objects in a fresh process;
      - Import-Module TwatCache wall time over a bare pwsh start (and Import-Module alone, in-process);
      - pipeline mode: 10,000 items, all hits, vs ForEach-Object running the block;
      - issue 17: a fresh-process pipeline of N hits from the default store (seeded beforehand in its
        own fresh process, -PersistentItems, default 5,000 and 100,000) vs one Import-Clixml of a
        hand-written hashtable plus 1..N | ForEach-Object { $h[$_] }, both timed inside fresh processes
        with the module imported outside the timer; also the store's and the CliXml file's size on disk.
        N of 50,000 or more runs at most 3 rounds (seeding 100,000 misses can take minutes).
    Runs under a temporary cache root and writes the results as JSON to -OutPath.
.EXAMPLE
    dotnet pwsh ./benchmarks/pwsh-bench.ps1 -ModulePath ./out/TwatCache/TwatCache.psd1 -OutPath ./out/bench/pwsh.json
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutPath,
    [int] $Rounds = 7,
    [int] $Calls = 2000,
    [int] $PipelineItems = 10000,
    # Issue 17: item counts of the fresh-process persistent pipeline (section 5); empty skips it.
    # Comma-separated (a child pwsh -File passes it as one string).
    [string] $PersistentItems = '5000,100000'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ModulePath = (Resolve-Path $ModulePath).Path
$pwsh = @((Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe')) | Where-Object { Test-Path $_ } | Select-Object -First 1
$work = Join-Path ([IO.Path]::GetTempPath()) ("twatcache-pwshbench-" + [guid]::NewGuid().ToString('N'))
New-Item -ItemType Directory -Path $work | Out-Null
$env:TWATCACHE_ROOT = Join-Path $work 'cache'

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    if ($sorted.Count % 2) { return $sorted[[int][math]::Floor($sorted.Count / 2)] }
    return ($sorted[$sorted.Count / 2 - 1] + $sorted[$sorted.Count / 2]) / 2
}

# CPU time of this process (all threads), in ms: on a loaded machine it moves far less than wall time.
$self = [Diagnostics.Process]::GetCurrentProcess()
function Get-CpuMs { $self.Refresh(); $self.TotalProcessorTime.TotalMilliseconds }

# Runs a script in a fresh pwsh; its last output line is "<wall ms> <cpu ms>".
function Invoke-Fresh([string] $Script) {
    $file = Join-Path $work ("run-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -Path $file -Value $Script
    $out = & $pwsh -NoProfile -NonInteractive -File $file
    if ($LASTEXITCODE -ne 0) { throw "A benchmark child process failed (exit $LASTEXITCODE): $out" }
    $parts = "$(@($out)[-1])".Trim() -split '\s+'
    return [pscustomobject]@{ Wall = [double]$parts[0]; Cpu = [double]$parts[-1] }
}
$cpuProbe = '$__p = [Diagnostics.Process]::GetCurrentProcess(); $__c0 = $__p.TotalProcessorTime.TotalMilliseconds'
$cpuReport = '$__p.Refresh(); "$($sw.Elapsed.TotalMilliseconds) $($__p.TotalProcessorTime.TotalMilliseconds - $__c0)"' 

# Wall time of a whole child process, in milliseconds.
function Measure-Process([string] $Command) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    & $pwsh -NoProfile -NonInteractive -Command $Command | Out-Null
    $sw.Stop()
    if ($LASTEXITCODE -ne 0) { throw "pwsh -Command '$Command' failed with exit code $LASTEXITCODE." }
    return $sw.Elapsed.TotalMilliseconds
}

try {
    Import-Module $ModulePath
    $results = [ordered]@{}

    # --- 1. per-call cost in one loop shape: $null = <call>, $Calls times -----------------------------
    Write-Host "per-call: $Calls calls x $Rounds rounds"
    $memo = @{}
    $loops = [ordered]@{
        WriteOutput   = { param($n) for ($i = 0; $i -lt $n; $i++) { $null = Write-Output 5 } }
        InvokeCached  = { param($n) for ($i = 0; $i -lt $n; $i++) { $null = Invoke-Cached { 5 } -Engine Memory } }
        HashtableMemo = { param($n) for ($i = 0; $i -lt $n; $i++) { $null = if ($memo.ContainsKey('five')) { $memo['five'] } else { $memo['five'] = & { 5 } } } }
    }
    foreach ($loop in $loops.Values) { & $loop 200 }   # warm up (the first Invoke-Cached is the miss)
    $samples = @{}; $cpu = @{}
    foreach ($k in $loops.Keys) { $samples[$k] = [Collections.Generic.List[double]]::new(); $cpu[$k] = [Collections.Generic.List[double]]::new() }
    for ($r = 0; $r -lt $Rounds; $r++) {
        foreach ($k in $loops.Keys) {
            $c0 = Get-CpuMs
            $sw = [Diagnostics.Stopwatch]::StartNew(); & $loops[$k] $Calls; $sw.Stop()
            $cpu[$k].Add(((Get-CpuMs) - $c0) * 1000 / $Calls)
            $samples[$k].Add($sw.Elapsed.TotalMilliseconds * 1000 / $Calls)
        }
    }
    $results.PerCallMicroseconds = [ordered]@{}
    $results.PerCallCpuMicroseconds = [ordered]@{}
    foreach ($k in $loops.Keys) { $results.PerCallMicroseconds[$k] = Get-Median $samples[$k]; $results.PerCallCpuMicroseconds[$k] = Get-Median $cpu[$k] }

    # --- 2. LiteDb hit of 1000 objects in a fresh process vs Import-Clixml -----------------------------
    Write-Host "fresh process: LiteDb hit of 1000 objects vs Import-Clixml, $Rounds rounds"
    $block = '{ 1..1000 | ForEach-Object { [pscustomobject]@{ Id = $_; Name = "item $_"; Size = $_ * 1024; When = [datetime]::new(2026, 1, 1).AddMinutes($_); Ok = ($_ % 2 -eq 0) } } }'
    $xml = Join-Path $work 'objects.clixml'
    $seed = @"
Import-Module '$ModulePath'
`$r = Invoke-Cached $block -Engine LiteDb
`$r | Export-Clixml -Path '$xml'
`$r.Count
"@
    if ((Invoke-Fresh $seed).Wall -ne 1000) { throw 'Seeding the LiteDb entry did not produce 1000 objects.' }
    $hit = @"
Import-Module '$ModulePath'
$cpuProbe
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$r = Invoke-Cached $block -Engine LiteDb
`$sw.Stop()
`$s = Get-CacheStats | Where-Object Engine -eq 'LiteDb'
# Stats add a running total persisted by earlier processes (the seeding one had no hit), so a hit here
# shows as Hits >= 1.
if (@(`$r).Count -ne 1000 -or `$s.Hits -lt 1) { throw "expected a hit of 1000 objects, got `$(@(`$r).Count) objects, `$(`$s.Hits) hits" }
$cpuReport
"@
    $clixml = @"
$cpuProbe
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$r = Import-Clixml -Path '$xml'
`$sw.Stop()
if (@(`$r).Count -ne 1000) { throw 'expected 1000 objects' }
$cpuReport
"@
    $hits = @(); $imports = @()
    for ($r = 0; $r -lt $Rounds; $r++) {
        $hits += Invoke-Fresh $hit
        $imports += Invoke-Fresh $clixml
    }
    $results.FreshProcess1000Objects = [ordered]@{
        LiteDbHitMs        = Get-Median $hits.Wall
        ImportClixmlMs     = Get-Median $imports.Wall
        LiteDbHitCpuMs     = Get-Median $hits.Cpu
        ImportClixmlCpuMs  = Get-Median $imports.Cpu
        ClixmlFileBytes    = (Get-Item $xml).Length
    }

    # --- 3. Import-Module over a bare pwsh start ---------------------------------------------------------
    Write-Host "Import-Module: $Rounds rounds"
    $bare = [Collections.Generic.List[double]]::new(); $withModule = [Collections.Generic.List[double]]::new()
    $inProcess = [Collections.Generic.List[double]]::new(); $emptyModule = [Collections.Generic.List[double]]::new()
    # The first Import-Module of any module in a process also loads PowerShell's module machinery:
    # an empty script module measured the same way shows that share.
    $empty = Join-Path $work 'Empty/Empty.psm1'
    New-Item -ItemType Directory -Path (Split-Path $empty) -Force | Out-Null
    Set-Content -Path $empty -Value 'function Get-Nothing { }' 
    Measure-Process 'exit 0' | Out-Null   # first start warms the disk cache
    for ($r = 0; $r -lt $Rounds; $r++) {
        $bare.Add((Measure-Process 'exit 0'))
        $withModule.Add((Measure-Process "Import-Module '$ModulePath'; exit 0"))
        $inProcess.Add((Invoke-Fresh "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$ModulePath'; `$sw.Elapsed.TotalMilliseconds").Wall)
        $emptyModule.Add((Invoke-Fresh "`$sw = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$empty'; `$sw.Elapsed.TotalMilliseconds").Wall)
    }
    $results.ImportModule = [ordered]@{
        BarePwshStartMs        = Get-Median $bare
        PwshStartWithImportMs  = Get-Median $withModule
        OverBareStartMs        = (Get-Median $withModule) - (Get-Median $bare)
        ImportModuleInProcessMs = Get-Median $inProcess
        ImportEmptyModuleInProcessMs = Get-Median $emptyModule
    }

    # --- 4. pipeline mode: $PipelineItems items, all hits ------------------------------------------------
    Write-Host "pipeline: $PipelineItems items x $Rounds rounds"
    $items = 1..$PipelineItems
    $null = $items | Invoke-Cached { $_ * 2 } -Engine Memory   # fill: every item is a miss once
    $cached = [Collections.Generic.List[double]]::new(); $plain = [Collections.Generic.List[double]]::new()
    $cachedCpu = [Collections.Generic.List[double]]::new(); $plainCpu = [Collections.Generic.List[double]]::new()
    for ($r = 0; $r -lt $Rounds; $r++) {
        $c0 = Get-CpuMs
        $sw = [Diagnostics.Stopwatch]::StartNew(); $out = $items | Invoke-Cached { $_ * 2 } -Engine Memory; $sw.Stop()
        $cachedCpu.Add(((Get-CpuMs) - $c0) * 1000 / $PipelineItems)
        if ($out.Count -ne $PipelineItems -or $out[-1] -ne 2 * $PipelineItems) { throw 'pipeline replay returned the wrong output' }
        $cached.Add($sw.Elapsed.TotalMilliseconds * 1000 / $PipelineItems)
        $c0 = Get-CpuMs
        $sw = [Diagnostics.Stopwatch]::StartNew(); $out = $items | ForEach-Object { $_ * 2 }; $sw.Stop()
        $plainCpu.Add(((Get-CpuMs) - $c0) * 1000 / $PipelineItems)
        $plain.Add($sw.Elapsed.TotalMilliseconds * 1000 / $PipelineItems)
    }
    $results.PipelinePerItemMicroseconds = [ordered]@{
        InvokeCachedAllHits = Get-Median $cached; ForEachObject = Get-Median $plain
        InvokeCachedAllHitsCpu = Get-Median $cachedCpu; ForEachObjectCpu = Get-Median $plainCpu
    }

    # --- 5. issue 17: fresh-process pipeline of N hits from the default store vs an Import-Clixml hashtable
    $results.PersistentPipeline = @()
    $cacheRoot = $env:TWATCACHE_ROOT
    $pblock = '{ [pscustomobject]@{ Id = $_; Name = "item $_"; Size = $_ * 7 } }'
    foreach ($n in [int[]]($PersistentItems -split ',')) {
        $pRounds = if ($n -ge 50000) { [math]::Min($Rounds, 3) } else { $Rounds }
        # A store of its own per N, so its size on disk and its hits are this N's alone.
        $root = Join-Path $work "persistent-$n"
        $env:TWATCACHE_ROOT = $root
        $pxml = Join-Path $work "persistent-$n.clixml"
        $step = [math]::Max(1000, [int]($n / 10))
        # The check every timed run does on its output: N objects, and sampled indexes as expected.
        $sampled = @(1, 2, [int]($n / 3), [int]($n / 2), ($n - 1), $n) | Where-Object { $_ -ge 1 } | Sort-Object -Unique
        $check = @"
if (@(`$r).Count -ne $n) { throw "expected $n objects, got `$(@(`$r).Count)" }
foreach (`$i in $($sampled -join ', ')) {
    `$o = `$r[`$i - 1]
    if (`$o.Id -ne `$i -or `$o.Name -ne "item `$i" -or `$o.Size -ne `$i * 7) { throw "object `$i is wrong: `$(`$o | Out-String)" }
}
"@
        Write-Host "persistent pipeline: seeding $n misses into the default store (fresh process; progress every $step)"
        $seedStart = [Diagnostics.Stopwatch]::StartNew()
        $pseed = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$r = 1..$n | ForEach-Object { if (`$_ % $step -eq 0) { [Console]::Error.WriteLine("  seeded `$_ of $n") }; `$_ } | Invoke-Cached $pblock -Ttl 1d
$check
@(`$r).Count
"@
        if ((Invoke-Fresh $pseed).Wall -ne $n) { throw "Seeding the default store did not produce $n objects." }
        $seedSeconds = $seedStart.Elapsed.TotalSeconds
        $storeBytes = [long](Get-ChildItem $root -Recurse -File -Force | Measure-Object -Property Length -Sum).Sum
        Write-Host ("  seeded in {0:N0} s; store {1:N0} bytes" -f $seedSeconds, $storeBytes)
        $xseed = @"
`$ErrorActionPreference = 'Stop'
`$h = @{}
foreach (`$i in 1..$n) { `$h[`$i] = [pscustomobject]@{ Id = `$i; Name = "item `$i"; Size = `$i * 7 } }
`$h | Export-Clixml -Path '$pxml'
`$h.Count
"@
        if ((Invoke-Fresh $xseed).Wall -ne $n) { throw "Writing the CliXml hashtable did not produce $n entries." }
        $xmlBytes = (Get-Item $pxml).Length
        $phit = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
$cpuProbe
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$r = 1..$n | Invoke-Cached $pblock -Ttl 1d
`$sw.Stop()
$check
$cpuReport
"@
        $pbase = @"
`$ErrorActionPreference = 'Stop'
$cpuProbe
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$h = Import-Clixml -Path '$pxml'
`$r = 1..$n | ForEach-Object { `$h[`$_] }
`$sw.Stop()
$check
$cpuReport
"@
        $pc = @(); $pb = @()
        for ($r = 0; $r -lt $pRounds; $r++) {
            $pc += Invoke-Fresh $phit
            $pb += Invoke-Fresh $pbase
            Write-Host ("  round {0} of {1}: cached {2:N0} ms, Import-Clixml hashtable {3:N0} ms" -f ($r + 1), $pRounds, $pc[-1].Wall, $pb[-1].Wall)
        }
        # The first replay reads the entries one document each and writes the family's pack; later ones read the pack.
        $storeAfter = [long](Get-ChildItem $root -Recurse -File -Force | Measure-Object -Property Length -Sum).Sum
        $results.PersistentPipeline += [pscustomobject][ordered]@{
            Items           = $n
            Rounds          = $pRounds
            CachedMs        = Get-Median $pc.Wall
            FirstCachedMs   = $pc[0].Wall
            BaselineMs      = Get-Median $pb.Wall
            CachedCpuMs     = Get-Median $pc.Cpu
            BaselineCpuMs   = Get-Median $pb.Cpu
            StoreBytes      = $storeBytes
            StoreBytesAfterReplays = $storeAfter
            ClixmlFileBytes = $xmlBytes
            SeedSeconds     = $seedSeconds
        }
        Remove-Item $root, $pxml -Recurse -Force -ErrorAction SilentlyContinue
    }
    $env:TWATCACHE_ROOT = $cacheRoot

    $results.Rounds = $Rounds
    $results.Calls = $Calls
    $results.PipelineItems = $PipelineItems
    $dir = Split-Path -Parent ([IO.Path]::GetFullPath($OutPath))
    New-Item -ItemType Directory -Path $dir -Force | Out-Null
    $results | ConvertTo-Json -Depth 4 | Set-Content -Path $OutPath
    $results | ConvertTo-Json -Depth 4 | Write-Host
}
finally {
    Remove-Module TwatCache -ErrorAction SilentlyContinue
    Remove-Item Env:TWATCACHE_ROOT -ErrorAction SilentlyContinue
    if (Test-Path $work) { Remove-Item $work -Recurse -Force }
}
