<#
.SYNOPSIS
    Measures what removing one tag costs in a store of -Entries entries (default 10,000), per engine, for a
    common tag (one entry in -TagEvery) and a rare one (one in 1,000), beside the scan-based baseline of
    the same run (list every entry's metadata, then remove the tagged ones by key). Writes a Markdown
    table for docs/benchmarks.md.
.EXAMPLE
    dotnet pwsh ./build.ps1 Build; dotnet pwsh benchmarks/TagClear.ps1
#>
param(
    [int] $Entries = 10000,
    [int] $TagEvery = 10,
    [string[]] $Engine = @('LiteDb', 'File', 'Redis'),
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/TwatCache/TwatCache.psd1')
)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath -Force
. (Join-Path $PSScriptRoot '../tests/pester/RedisTestHelpers.ps1')

function New-BenchContext([string] $kind, [string] $connection) {
    $o = [TwatCache.CacheOptions]::new()
    $o.Name = 'bench-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
    $o.Engine = $kind
    $o.Temporary = $true
    if ($connection) { $o.ConnectionString = $connection }
    [TwatCache.CacheContext]::Create($o)
}

function Fill($ctx, [int[]] $indexes) {
    $value = 'x' * 200
    $common = [TwatCache.CacheEntryOptions]@{ Tags = [string[]] @('common') }
    $rare = [TwatCache.CacheEntryOptions]@{ Tags = [string[]] @('rare') }
    $plain = [TwatCache.CacheEntryOptions]::new()
    foreach ($i in $indexes) {
        $o = if ($i % $TagEvery -eq 0) { $common } elseif ($i % 1000 -eq 1) { $rare } else { $plain }
        $ctx.SetByHash($ctx.HashKey("k$i"), $value, [string], $o)
    }
}

function Time([scriptblock] $action) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $result = & $action
    $sw.Stop()
    [pscustomobject]@{ Ms = $sw.Elapsed.TotalMilliseconds; Result = $result }
}

$redis = $null
$rows = foreach ($kind in $Engine) {
    $connection = $null
    if ($kind -eq 'Redis') { $redis = Start-TestRedis; $connection = $redis.ConnectionString }
    $ctx = New-BenchContext $kind $connection
    try {
        Fill $ctx (0..($Entries - 1))
        # Warm-up (JIT, first queries) so both timings measure steady work.
        $null = $ctx.RemoveByTag('warm-up'); $null = $ctx.ListEntries(); $null = $ctx.RemoveByHash('0' * 32)
        foreach ($tag in 'common', 'rare') {
            $indexes = @(0..($Entries - 1) | Where-Object { if ($tag -eq 'common') { $_ % $TagEvery -eq 0 } else { $_ % $TagEvery -ne 0 -and $_ % 1000 -eq 1 } })
            $byTag = Time { $ctx.RemoveByTag($tag) }
            if ($byTag.Result -ne $indexes.Count) { throw "$kind removed $($byTag.Result) '$tag' entries, expected $($indexes.Count)." }
            Fill $ctx $indexes
            # Baseline: what a tag clear without an index does (read every entry's metadata, remove matches by key).
            $scan = Time {
                $n = 0
                foreach ($e in $ctx.ListEntries()) { if ($e.HasTag($tag) -and $ctx.RemoveByHash($e.Key)) { $n++ } }
                $n
            }
            if ($scan.Result -ne $indexes.Count) { throw "$kind scan removed $($scan.Result)." }
            Fill $ctx $indexes
            [pscustomobject]@{
                Engine = $kind; Entries = $Entries; Tagged = $indexes.Count
                RemoveByTagMs = [math]::Round($byTag.Ms); ScanAndRemoveMs = [math]::Round($scan.Ms)
            }
        }
    }
    finally {
        if ($kind -eq 'Redis') { $ctx.Clear() | Out-Null }
        $ctx.Dispose()
        if ($redis) { Stop-TestRedis $redis; $redis = $null }
    }
}
$rows | Format-Table -AutoSize | Out-String | Write-Host
'| engine | entries | tagged | RemoveByTag (index) | baseline: list all metadata + remove by key |'
'|---|---:|---:|---:|---:|'
foreach ($r in $rows) { "| $($r.Engine) | $($r.Entries) | $($r.Tagged) | $($r.RemoveByTagMs) ms | $($r.ScanAndRemoveMs) ms |" }
