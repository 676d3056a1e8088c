# Issue 17: a pipeline of hits reads its block's entries once (the key family) and decodes them in chunks
# with one CliXml deserializer. Differential: in fresh processes, the same stored results replayed through
# one pipeline (read-ahead, batch decode) and through one Invoke-Cached call per item (point reads, one
# document per item, the path every earlier hit took) must come out identical, item by item.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # Shapes a block commonly returns, several per item: property bags (one with a shared reference),
    # arrays (also unrolled and -NoEnumerate), hashtables, scalars of many types, $null items, nesting.
    $script:childScript = @'
param($Mode, $Count)
$ErrorActionPreference = 'Stop'
Import-Module $env:TWATCACHE_TEST_MODULE
$block = {
    $n = $_
    switch ($n % 8) {
        0 { [pscustomobject]@{ Id = $n; Name = "item $n"; Size = $n * 7; When = [datetime]::new(2026, 1, 1).AddDays($n) } }
        1 { 1, "two $n", 3.5 }
        2 { Write-Output -NoEnumerate @($n, @('a', 'b'), @()) }
        3 { @{ key = $n; list = @(1, 2); nested = @{ deep = "x$n" } } }
        4 { $null; [guid]::new('00000000-0000-0000-0000-0000000000' + ($n % 90 + 10)); [timespan]::FromSeconds($n) }
        5 { $s = [pscustomobject]@{ S = "shared $n" }; [pscustomobject]@{ First = $s; Second = $s; Text = "line1`nline2 <&> $n" } }
        6 { [System.Collections.Generic.List[int]]@($n, $n + 1); [decimal]$n / 3; [char]'q'; $true }
        7 { Get-Item -LiteralPath $PSHOME | Select-Object Name, Attributes }
    }
}
# A text for one output object: types, type names, values, order, and which objects are the same object.
# Hashtable entries are sorted: their order depends on per-process string hashing, not on the cache.
$streams = { "before $_"; Write-Warning "warning $_"; [pscustomobject]@{ N = $_ }; Write-Information "info $_" }
# A new value on every run: a hit is told from a run, and one stored result from another.
$stamp = { [pscustomobject]@{ Id = $_; Stamp = [guid]::NewGuid().ToString('N') } }
function Shape($x, $seen = [System.Collections.Generic.List[object]]::new()) {
    if ($null -eq $x) { return 'null' }
    if ($x -is [psobject] -or -not $x.GetType().IsValueType) {
        for ($i = 0; $i -lt $seen.Count; $i++) { if ([object]::ReferenceEquals($seen[$i], $x)) { return "#$i" } }
        $seen.Add($x)
    }
    $bare = $x   # (not `$bare = if ...`: an empty array would unroll to nothing)
    if ($x -is [psobject]) { $bare = $x.psobject.BaseObject }
    $head = $bare.GetType().FullName + '<' + $(if ($x -is [psobject]) { $x.pstypenames -join '/' }) + '>'
    if ($bare -is [System.Collections.IDictionary]) {
        return $head + '@{' + (@($bare.Keys | Sort-Object | ForEach-Object { "$_=" + (Shape $bare[$_] $seen) }) -join ';') + '}'
    }
    if ($bare -is [System.Collections.IEnumerable] -and $bare -isnot [string]) {
        return $head + '[' + (@(foreach ($e in $bare) { Shape $e $seen }) -join ',') + ']'
    }
    if ($bare -is [System.Management.Automation.PSCustomObject]) {
        return $head + '{' + (@($x.psobject.Properties | ForEach-Object { "$($_.Name):$($_.TypeNameOfValue)=" + (Shape $_.Value $seen) }) -join ';') + '}'
    }
    $text = if ($bare -is [datetime]) { $bare.ToString('o') } else { [System.Convert]::ToString($bare, [cultureinfo]::InvariantCulture) }
    return "${head}:$text"
}
$before = Get-CacheStats
$items = 1..$Count
$lines = switch ($Mode) {
    'seed'     { $items | Invoke-Cached $block -Ttl 1d | Out-Null }
    'pipeline' { $items | ForEach-Object { $_ } | Invoke-Cached $block -Ttl 1d | ForEach-Object { Shape $_ } }
    'single'   { foreach ($i in $items) { $i | Invoke-Cached $block -Ttl 1d | ForEach-Object { Shape $_ } } }
    'first'    { $items | Invoke-Cached $block -Ttl 1d | Select-Object -First 4 | ForEach-Object { Shape $_ } }
    # -ReplayStreams: warnings and information records come back in their places among the output.
    'seed-streams'     { $items | Invoke-Cached $streams -Ttl 1d -ReplayStreams 3>$null 6>$null | Out-Null }
    'pipeline-streams' { $items | Invoke-Cached $streams -Ttl 1d -ReplayStreams 3>&1 6>&1 | ForEach-Object { Shape $_ } }
    'single-streams'   { foreach ($i in $items) { $i | Invoke-Cached $streams -Ttl 1d -ReplayStreams 3>&1 6>&1 | ForEach-Object { Shape $_ } } }
    'seed-stamp'     { $items | Invoke-Cached $stamp -Ttl 1d | Out-Null }
    'pipeline-stamp' { $items | Invoke-Cached $stamp -Ttl 1d | ForEach-Object { "$($_.Id)=$($_.Stamp)" } }
    'refresh-stamp'  { [int]$Count | Invoke-Cached $stamp -Ttl 1d -Refresh | Out-Null }   # item $Count only (an int, as 1..$Count gives)
    'remove-stamp'   { $entry = @(Get-CacheEntry | Where-Object { $_.KeyParts -match "(?m)^\`$_ #\w+ = $Count`$" }); if ($entry.Count -ne 1) { throw "found $($entry.Count) entries of item $Count" }; Clear-Cache -Key $entry[0].Key -Confirm:$false }
    'clear'          { Clear-Cache -Confirm:$false }
}
$after = Get-CacheStats
$lines
# This process's lookups (the totals are kept across processes).
"STATS hits=$($after.Hits - $before.Hits) misses=$($after.Misses - $before.Misses)"
'@
    $script:childFile = Join-Path ([IO.Path]::GetTempPath()) ("twatcache-readahead-" + [guid]::NewGuid().ToString('N') + '.ps1')
    Set-Content -LiteralPath $childFile -Value $childScript -Encoding utf8NoBOM
    function script:Invoke-Child($Mode, $Count, $Root) {
        Invoke-ChildPwsh -File $childFile -ArgumentList $Mode, $Count -Root $Root
    }
}

AfterAll {
    Remove-Item -LiteralPath $childFile -ErrorAction SilentlyContinue
}

Describe 'Read-ahead of a block''s entries' {
    BeforeEach { $script:root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'replays every stored shape through one pipeline exactly as one call per item does' {
        $count = 64   # decode chunks of 8, 16, 32 and the rest: every item kind lands in a batch with others
        $seed = Invoke-Child 'seed' $count $root
        ($seed | Select-Object -Last 1) | Should -Be "STATS hits=0 misses=$count"

        $pipeline = @(Invoke-Child 'pipeline' $count $root)
        $single = @(Invoke-Child 'single' $count $root)
        $pipeline[-1] | Should -Be "STATS hits=$count misses=0"
        $single[-1] | Should -Be "STATS hits=$count misses=0"
        $pipeline.Count | Should -BeGreaterThan ($count * 2)   # several objects for most items
        $pipeline.Count | Should -Be $single.Count
        for ($i = 0; $i -lt $single.Count; $i++) {
            if ($pipeline[$i] -ne $single[$i]) { throw "Line $i differs:`npipeline: $($pipeline[$i])`nsingle:   $($single[$i])" }
        }
        # The property bags come back as they always did from the store.
        ($pipeline | Where-Object { $_ -like '*<Deserialized.System.Management.Automation.PSCustomObject/*' }).Count | Should -BeGreaterThan 0
    }

    It 'replays -ReplayStreams records in their places, as one call per item does' {
        $count = 20
        $null = Invoke-Child 'seed-streams' $count $root
        $pipeline = @(Invoke-Child 'pipeline-streams' $count $root)
        $single = @(Invoke-Child 'single-streams' $count $root)
        $pipeline[-1] | Should -Be "STATS hits=$count misses=0"
        $pipeline.Count | Should -Be (4 * $count + 1)
        ($pipeline | Select-Object -Index 1) | Should -BeLike '*warning 1'
        for ($i = 0; $i -lt $single.Count; $i++) {
            if ($pipeline[$i] -ne $single[$i]) { throw "Line $i differs:`npipeline: $($pipeline[$i])`nsingle:   $($single[$i])" }
        }
    }

    It 'serves a pipeline that a later command stops early' {
        $null = Invoke-Child 'seed' 32 $root
        $first = @(Invoke-Child 'first' 32 $root)
        $single = @(Invoke-Child 'single' 2 $root)
        # Items 1 and 2 give four objects (1: three scalars, 2: one array).
        $first.Count | Should -Be 5
        $first[0..3] | Should -Be $single[0..3]
    }

    It 'replays a block of more than a store page from its pack in later processes, and never once an entry changed' {
        $count = 1200   # more than one page of the store's family read: the read writes a pack for the next
        function Assert-Same($expected, $actual, [int[]] $except = @()) {
            $actual.Count | Should -Be $expected.Count
            for ($i = 0; $i -lt $expected.Count - 1; $i++) {
                if ($except -contains $i) { continue }
                if ($actual[$i] -ne $expected[$i]) { throw "Line $i differs:`nexpected: $($expected[$i])`nactual:   $($actual[$i])" }
            }
        }
        $store = Join-Path $root 'default.tcdb'
        $hasPack = { [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($store)).Contains('familychunks') }
        @(Invoke-Child 'seed-stamp' $count $root)[-1] | Should -Be "STATS hits=0 misses=$count"
        & $hasPack | Should -BeFalse
        $first = @(Invoke-Child 'pipeline-stamp' $count $root)    # reads the entries, writes the pack
        $first[-1] | Should -Be "STATS hits=$count misses=0"
        & $hasPack | Should -BeTrue
        $second = @(Invoke-Child 'pipeline-stamp' $count $root)   # from the pack
        $second[-1] | Should -Be "STATS hits=$count misses=0"
        Assert-Same $first $second

        # Another process stores a new result for item 7, then removes item 9's: the next pipeline sees both.
        $null = Invoke-Child 'refresh-stamp' 7 $root
        $null = Invoke-Child 'remove-stamp' 9 $root
        $third = @(Invoke-Child 'pipeline-stamp' $count $root)
        $third[-1] | Should -Be "STATS hits=$($count - 1) misses=1"
        $third[6] | Should -BeLike '7=*'
        $third[6] | Should -Not -Be $first[6]
        $third[8] | Should -BeLike '9=*'
        $third[8] | Should -Not -Be $first[8]
        Assert-Same $first $third -except 6, 8
        $fourth = @(Invoke-Child 'pipeline-stamp' $count $root)
        Assert-Same $third $fourth

        $null = Invoke-Child 'clear' 0 $root
        @(Invoke-Child 'pipeline-stamp' $count $root)[-1] | Should -Be "STATS hits=0 misses=$count"
    }

    It 'gives every key of a block the same family, and another block another' {
        $null = 1..5 | Invoke-Cached { "a $_" } -Ttl 1h
        $null = 1..5 | Invoke-Cached { "b $_" } -Ttl 1h
        $families = Get-CacheEntry | Group-Object { $_.Key.Substring(0, 8) }
        $families.Count | Should -Be 2
        $families | ForEach-Object { $_.Count | Should -Be 5 }
    }
}
