# Issue 13's differential property test: generated values over every shape the key must tell apart
# (nested, mixed, with near variants that a careless key confuses), blocks that observe them, each run
# uncached (& $block) and through Invoke-Cached on Memory, LiteDb, File and Redis. Any difference fails
# and prints the case. Normal run: a fixed seed and 10,000 trials in total.
#   $env:TWATCACHE_KEY_TRIALS = 100000    # more trials (split 40/20/20/20 over the engines)
#   $env:TWATCACHE_KEY_SEED = 'random'    # or a number; the seed used is printed with every failure
BeforeDiscovery {
    $script:engines = @(
        @{ Engine = 'Memory'; Share = 0.4 }
        @{ Engine = 'LiteDb'; Share = 0.2 }
        @{ Engine = 'File'; Share = 0.2 }
        @{ Engine = 'Redis'; Share = 0.2 }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')

    $script:totalTrials = if ($env:TWATCACHE_KEY_TRIALS) { [int]$env:TWATCACHE_KEY_TRIALS } else { 10000 }
    $script:seed = switch ($env:TWATCACHE_KEY_SEED) {
        { -not $_ } { 20261313 }
        'random' { [System.Random]::new().Next() }
        default { [int]$_ }
    }
    Write-Host "Key differential: seed $seed, $totalTrials trials in total (TWATCACHE_KEY_SEED, TWATCACHE_KEY_TRIALS)."

    # Small pools, so equal values recur (real hits) and near variants recur (would-be wrong hits).
    $script:words = 'a', 'A', 'a ', '1', '', 'b'
    $script:keyPool = 'k', 'j', 'x'

    function script:New-TcValue([System.Random] $r, [int] $depth) {
        $pick = $r.Next($(if ($depth -le 0) { 22 } else { 32 }))
        $w = $words[$r.Next($words.Count)]
        $n = $r.Next(3)
        switch ($pick) {
            0 { return $null }
            1 { return $w }
            2 { return [char]('aA1'[$r.Next(3)]) }
            3 { return [int]$n }
            4 { return [long]$n }
            5 { return [double]$n }
            6 { return $(if ($r.Next(2)) { -0.0 } else { 0.0 }) }
            7 { return [float]$n }
            8 { return $(if ($r.Next(2)) { 1.0d } else { 1.00d }) }
            9 { return [System.DayOfWeek]$n }
            10 { return [bool]$r.Next(2) }
            11 { return [datetime]::SpecifyKind([datetime]::new(2026, 1, 1 + $n), [System.DateTimeKind]$r.Next(3)) }
            12 { return [datetimeoffset]::new(2026, 1, 1, 12 + $n, 0, 0, [timespan]::FromHours($r.Next(2))) }
            13 { return [bigint]::Pow(2, 64 + $n) }
            14 { return [System.Text.StringBuilder]::new($w) }
            15 { return [regex]::new($w, $(if ($r.Next(2)) { 'IgnoreCase' } else { 'None' })) }
            16 { return [xml]"<r><v>$($words[$r.Next(2)])</v>$(if ($r.Next(2)) { '<w/>' })</r>" }
            17 { return $w | Add-Member -NotePropertyName note -NotePropertyValue $n -PassThru }
            18 { return [pscustomobject]@{ PSTypeName = $(if ($r.Next(2)) { 'Tc.One' } else { 'Tc.Two' }); N = $n } }
            19 { return [version]::new(1, $n) }
            20 { return [guid]::new("0000000$n-0000-0000-0000-000000000000") }
            21 { return [timespan]::FromSeconds($n) }
            22 { return , [object[]](New-TcItems $r $depth) }
            23 { return , [int[]]@(New-TcItems $r $depth | ForEach-Object { if ($_ -is [int]) { $_ } else { 0 } }) }
            24 { $l = [System.Collections.Generic.List[object]]::new(); foreach ($i in New-TcItems $r $depth) { $l.Add($i) }; return , $l }
            25 { return , [System.Collections.ArrayList]@(New-TcItems $r $depth) }
            26 {
                # Hashtables are built in one canonical order: their enumeration order comes from hash codes
                # (randomized per process), the documented exception to "order is part of the key".
                $h = if ($r.Next(2)) { @{} } else { [hashtable]::new() }
                foreach ($k in (New-TcKeys $r | Sort-Object)) { $h[$k] = New-TcValue $r ($depth - 1) }
                return $h
            }
            27 { $o = [ordered]@{}; foreach ($k in New-TcKeys $r) { $o[$k] = New-TcValue $r ($depth - 1) }; return $o }
            28 {
                $o = [ordered]@{}; foreach ($k in New-TcKeys $r) { $o[$k] = New-TcValue $r ($depth - 1) }
                return [pscustomobject]$o
            }
            29 {
                $d = [System.Collections.Generic.Dictionary[string, object]]::new()
                foreach ($k in New-TcKeys $r) { $d[$k] = New-TcValue $r ($depth - 1) }
                return , $d
            }
            30 { $s = [System.Collections.Generic.HashSet[string]]::new(); foreach ($k in New-TcKeys $r) { [void]$s.Add($k) }; return , $s }
            default {
                # A script block value: text plus what it reads (a closure over a captured value, or unbound).
                $captured = $n
                if ($r.Next(2)) { return { "closure $captured" }.GetNewClosure() }
                return [scriptblock]::Create("'text $n'")
            }
        }
    }

    function script:New-TcItems([System.Random] $r, [int] $depth) {
        $count = $r.Next(4)
        for ($i = 0; $i -lt $count; $i++) { , (New-TcValue $r ($depth - 1)) }
    }

    function script:New-TcKeys([System.Random] $r) {
        $pool = [System.Collections.Generic.List[string]]::new([string[]]$keyPool)
        $count = $r.Next(4)
        for ($i = 0; $i -lt $count; $i++) { $at = $r.Next($pool.Count); $pool[$at]; $pool.RemoveAt($at) }
    }

    # A deep dump of what a block can observe: types, exact bits, order, members, type names.
    function script:Format-TcDump($v, [int] $depth = 0) {
        if ($depth -gt 6) { return '...' }
        if ($null -eq $v) { return 'null' }
        $t = $v.GetType().FullName
        $inner = switch (, $v) {   # the comma: switch would otherwise run once per item of a collection
            { $_ -is [double] } { [BitConverter]::DoubleToInt64Bits($_); break }
            { $_ -is [float] } { [BitConverter]::SingleToInt32Bits($_); break }
            { $_ -is [datetime] } { "$($_.Kind)$($_.Ticks)"; break }
            { $_ -is [datetimeoffset] } { "$($_.Ticks)@$($_.Offset)"; break }
            { $_ -is [string] -or $_ -is [char] -or $_.GetType().IsPrimitive -or $_ -is [decimal] -or $_ -is [enum] -or $_ -is [bigint] } { "$_"; break }
            { $_ -is [System.Text.StringBuilder] -or $_ -is [regex] -or $_ -is [version] -or $_ -is [guid] -or $_ -is [timespan] } { "$_/$($_.Options)"; break }
            { $_ -is [xml] } { $_.OuterXml; break }
            { $_ -is [scriptblock] } { "{$_}=" + (& $_); break }
            { $_ -is [System.Collections.IDictionary] } { '{' + (@(foreach ($k in $_.Keys) { "$k=" + (Format-TcDump $_[$k] ($depth + 1)) }) -join ';') + '}'; break }
            { $_ -is [System.Management.Automation.PSCustomObject] } { '{' + (@(foreach ($p in $_.psobject.Properties) { "$($p.Name)=" + (Format-TcDump $p.Value ($depth + 1)) }) -join ';') + '}'; break }
            { $_ -is [System.Collections.IEnumerable] } { '[' + (@(foreach ($i in $_) { Format-TcDump $i ($depth + 1) }) -join ',') + ']'; break }
            default { "$_" }
        }
        $extra = @($v.psobject.Properties | Where-Object MemberType -eq 'NoteProperty' | ForEach-Object { "$($_.Name)=$($_.Value)" }) -join ','
        "$t<$inner>$extra|$($v.PSTypeNames[0])"
    }

    # Observers: each is a block that reads $v. They run unchanged uncached and cached.
    $script:observers = @(
        { "s:$v" }
        { if ($null -eq $v) { 'null' } else { 't:' + $v.GetType().FullName } }
        # A script block's JSON shows its identity (a per-object Id, a closure's generated module name), which
        # the key leaves out by design (README: script blocks are keyed by text and what they read), so values
        # holding one are observed through the dump instead.
        { $d = Format-TcDump $v; if ($d -like '*System.Management.Automation.ScriptBlock*') { 'j~' + $d } else { 'j:' + (ConvertTo-Json -InputObject $v -Compress -Depth 4 -WarningAction SilentlyContinue) } }
        { 'c:' + @($v).Count + ':' + ($v | Measure-Object).Count }
        { 'n:' + ($v.PSTypeNames -join ',') }
        { 'd:' + (Format-TcDump $v) }
        { 'o:' + (@($v | ForEach-Object { "$_" }) -join '|') }
        { 'm:' + (@($v.psobject.Properties | ForEach-Object Name) -join ',') }
    )

    function script:Invoke-TcDifferential([string] $Engine, [int] $Trials, [int] $Seed) {
        $name = 'keydiff-' + [guid]::NewGuid().ToString('N').Substring(0, 10)
        $ctx = New-CacheContext -Name $name -Engine $Engine -Temporary
        $r = [System.Random]::new($Seed)
        $failures = [System.Collections.Generic.List[string]]::new()
        $stats = @{ Hits = 0; Refused = 0; Trials = $Trials }
        try {
            for ($trial = 0; $trial -lt $Trials; $trial++) {
                $valueSeed = $r.Next()
                $observer = $observers[$r.Next($observers.Count)]
                $v = New-TcValue ([System.Random]::new($valueSeed)) 2
                $expected = try { (& $observer) -join "`n" } catch { 'error: ' + $_.FullyQualifiedErrorId }
                $v = New-TcValue ([System.Random]::new($valueSeed)) 2
                $before = $ctx.Counters.Hits
                try {
                    $actual = (Invoke-Cached $observer -Context $ctx -ErrorAction Stop) -join "`n"
                } catch {
                    if ($_.FullyQualifiedErrorId -like 'TwatCache.Key*') { $stats.Refused++; continue }
                    $actual = 'error: ' + $_.FullyQualifiedErrorId
                    if ($expected -like 'error:*') { continue }
                }
                if ($ctx.Counters.Hits -gt $before) { $stats.Hits++ }
                if ($actual -cne $expected) {
                    $v = New-TcValue ([System.Random]::new($valueSeed)) 2
                    $failures.Add("engine $Engine, seed $Seed, trial $trial (value seed $valueSeed), observer {$observer}`n  value:    $(Format-TcDump $v)`n  uncached: $expected`n  cached:   $actual")
                    if ($failures.Count -ge 10) { break }
                }
            }
        } finally { $ctx.Dispose() }
        [pscustomobject]@{ Failures = $failures; Hits = $stats.Hits; Refused = $stats.Refused; Trials = $Trials }
    }
}

Describe 'Key differential: uncached and cached runs agree' {
    BeforeAll {
        $script:redis = Start-TestRedis
        $env:TWATCACHE_REDIS = $redis.ConnectionString
    }
    AfterAll {
        Remove-Item Env:TWATCACHE_REDIS -ErrorAction SilentlyContinue
        Stop-TestRedis $script:redis
    }
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'on <Engine>: 0 wrong results' -ForEach $engines {
        $trials = [Math]::Max(1, [int]($totalTrials * $Share))
        $engineSeed = $seed + [array]::IndexOf(@('Memory', 'LiteDb', 'File', 'Redis'), $Engine)
        $result = Invoke-TcDifferential -Engine $Engine -Trials $trials -Seed $engineSeed
        Write-Host ("Key differential on {0}: {1} trials, {2} wrong, {3} hits, {4} refused (seed {5})." -f $Engine, $result.Trials, $result.Failures.Count, $result.Hits, $result.Refused, $engineSeed)
        $result.Failures -join "`n`n" | Should -BeNullOrEmpty
        # Not vacuous: equal inputs recur, so many calls are real hits.
        $result.Hits | Should -BeGreaterThan ($trials / 20)
    }
}
