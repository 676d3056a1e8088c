BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'Module' {
    It 'exports exactly the documented cmdlets' {
        $names = (Get-Command -Module TwatCache).Name | Sort-Object
        $names | Should -Be @('Clear-Cache', 'Get-CacheEntry', 'Get-CacheStats', 'Invoke-Cached', 'New-CacheContext')
    }

    It 'declares an output type on every cmdlet' {
        foreach ($c in Get-Command -Module TwatCache) { $c.OutputType.Count | Should -BeGreaterThan 0 -Because $c.Name }
    }
}

Describe 'Get-CacheStats' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'counts hits, misses and entries exactly' {
        Invoke-Cached { 'a' } | Out-Null
        Invoke-Cached { 'a' } | Out-Null
        Invoke-Cached { 'a' } | Out-Null
        Invoke-Cached { 'b' } | Out-Null
        $s = Get-CacheStats | Where-Object Context -eq 'default' | Select-Object -First 1
        $s | Should -BeOfType ([TwatCache.CacheStats])
        $s.Hits | Should -Be 2
        $s.Misses | Should -Be 2
        $s.Entries | Should -Be 2
        $s.HitRate | Should -Be 0.5
        $s.Engine | Should -Be 'Memory+LiteDb+File'
        $s.Path | Should -BeLike "$root*"
        $s.SizeBytes | Should -BeGreaterThan 0
    }

    It 'reports a named context by name' {
        $ctx = New-CacheContext -Name statsctx -Engine Memory
        try {
            Invoke-Cached { 1 } -Context $ctx | Out-Null
            $s = Get-CacheStats -Context statsctx
            $s.Context | Should -Be 'statsctx'
            $s.Misses | Should -Be 1
        } finally { $ctx.Dispose() }
    }
}

Describe 'Clear-Cache' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'empties the default context, memory layer included' {
        Invoke-Cached { Step; 1 } | Out-Null
        Invoke-Cached { Step; 2 } | Out-Null
        Clear-Cache -PassThru -Confirm:$false | Should -Be 2
        Invoke-Cached { Step; 1 } | Out-Null
        $global:TcRuns | Should -Be 3
        (Get-CacheStats | Where-Object Context -eq 'default').Entries | Should -Be 1
    }

    It '-WhatIf removes nothing' {
        Invoke-Cached { Step; 1 } | Out-Null
        Clear-Cache -WhatIf
        Invoke-Cached { Step; 1 } | Out-Null
        $global:TcRuns | Should -Be 1
    }

    It '-Key removes one entry set with that -Key' {
        Invoke-Cached { Step; 'k1' } -Key 'one' | Out-Null
        Invoke-Cached { Step; 'k2' } -Key 'two' | Out-Null
        Clear-Cache -Key 'one' -PassThru -Confirm:$false | Should -Be 1
        Invoke-Cached { Step; 'k1' } -Key 'one' | Out-Null
        Invoke-Cached { Step; 'k2' } -Key 'two' | Out-Null
        $global:TcRuns | Should -Be 3
    }

    It '-Expired removes only expired entries' {
        Invoke-Cached { 'short' } -Ttl 200ms | Out-Null
        Invoke-Cached { 'long' } -Ttl 1h | Out-Null
        Start-Sleep -Milliseconds 400
        Clear-Cache -Expired -PassThru -Confirm:$false | Should -Be 1
        (Get-CacheStats | Where-Object Context -eq 'default').Entries | Should -Be 1
    }

    It 'an unknown context name is a clear error' {
        $err = $null
        Clear-Cache -Context 'no-such-context' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TwatCache.Configuration*'
        "$($err[0])" | Should -Match 'New-CacheContext'
    }
}

Describe 'New-CacheContext' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'returns a disposable context that Invoke-Cached -Context uses' {
        $ctx = New-CacheContext -Name mine -Engine LiteDb
        try {
            $ctx | Should -BeOfType ([TwatCache.CacheContext])
            Invoke-Cached { Step; 1 } -Context $ctx | Out-Null
            Invoke-Cached { Step; 1 } -Context mine | Out-Null
            $global:TcRuns | Should -Be 1
            $ctx.Path | Should -Be (Join-Path $root 'mine.tcdb')
        } finally { $ctx.Dispose() }
    }

    It '-ScriptBlock makes the context ambient and passes the output through' {
        $out = New-CacheContext -Name amb -Engine Memory -ScriptBlock {
            Invoke-Cached { Step; 'inner' }
            Invoke-Cached { Step; 'inner' }
            (Get-CacheStats | Select-Object -First 1).Context
        }
        $out | Should -Be 'inner', 'inner', 'amb'
        $global:TcRuns | Should -Be 1
    }

    It '-Temporary storage is gone after the block, even when it throws' {
        $script:path = $null
        { New-CacheContext -Name tmp -Engine LiteDb -Temporary -ScriptBlock {
            Invoke-Cached { 1 } | Out-Null
            $script:path = (Get-CacheStats | Select-Object -First 1).Path
            throw 'fail inside'
        } } | Should -Throw 'fail inside'
        $script:path | Should -Not -BeNullOrEmpty
        Test-Path $script:path | Should -BeFalse
    }

    It 'refuses a bad name <name> with a clear error' -ForEach @(@{ name = '..' }, @{ name = 'a/b' }, @{ name = 'a\b' }) {
        $err = $null
        try { New-CacheContext -Name $name } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TwatCache.Configuration*'
    }
}

Describe 'Get-CacheStats more' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'filters by context objects and names, also from the pipeline' {
        $a = New-CacheContext -Name sa -Engine Memory
        $b = New-CacheContext -Name sb -Engine LiteDb
        try {
            Invoke-Cached { 1 } -Context $a | Out-Null
            Invoke-Cached { 1 } -Context $b | Out-Null
            Invoke-Cached { 1 } -Context $b | Out-Null
            (Get-CacheStats -Context $a, 'sb').Context | Should -Be 'sa', 'sb'
            ('sb', $a | Get-CacheStats).Context | Should -Be 'sb', 'sa'
            $sb = Get-CacheStats -Context sb
            $sb.Hits, $sb.Misses, $sb.Entries | Should -Be 1, 1, 1
            $sb.Path | Should -Be (Join-Path $root 'sb.tcdb')
            (Get-CacheStats -Context sa).Path | Should -BeNullOrEmpty
            @(Get-CacheStats).Context | Should -Contain 'sa'
        } finally { $a.Dispose(); $b.Dispose() }
    }

    It 'keeps an exact running total of hits and misses across processes' {
        # This process: 2 hits, 2 misses, flushed when the scoped context ends.
        New-CacheContext -Name totals -Engine LiteDb -ScriptBlock {
            1..3 | ForEach-Object { Invoke-Cached { 'x' } | Out-Null }
            Invoke-Cached { 'y' } | Out-Null
        }
        # Another process: 1 hit, 1 miss; it sees this one's total, and adds its own when it exits.
        $child = Invoke-ChildPwsh -Root $root -Script @'
$ctx = New-CacheContext -Name totals -Engine LiteDb
Invoke-Cached { 'x' } -Context $ctx | Out-Null
Invoke-Cached { 'z' } -Context $ctx | Out-Null
$s = Get-CacheStats -Context totals
"$($s.Hits)/$($s.Misses)/$($s.Entries)"
'@
        $child | Select-Object -Last 1 | Should -Be '3/3/3'
        $ctx = New-CacheContext -Name totals -Engine LiteDb
        try {
            $s = Get-CacheStats -Context $ctx
            $s.Hits, $s.Misses, $s.HitRate | Should -Be 3, 3, 0.5
            Invoke-Cached { 'x' } -Context $ctx | Out-Null
            (Get-CacheStats -Context $ctx).Hits | Should -Be 4
        } finally { $ctx.Dispose() }
        $saved = Get-Content (Join-Path $root 'totals.stats.json') -Raw | ConvertFrom-Json
        $saved.Hits, $saved.Misses | Should -Be 4, 3
    }

    It 'an unknown context is an error; the other contexts still report' {
        $err = $null
        $rows = Get-CacheStats -Context default, 'missing' -ErrorVariable err -ErrorAction SilentlyContinue
        $rows.Context | Should -Be 'default'
        $err[0].FullyQualifiedErrorId | Should -Be 'TwatCache.Configuration,TwatCache.PowerShell.Cmdlets.GetCacheStatsCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'shows as a table with the documented columns' {
        Invoke-Cached { 1 } | Out-Null
        $text = Get-CacheStats -Context default | Out-String -Width 250
        Assert-TableColumns $text 'Context', 'Engine', 'Entries', 'SizeBytes', 'Hits', 'Misses', 'HitRate', 'Evictions', 'Path', 'Since'
        $text | Should -Match '0\.0 ?%'
    }
}

Describe 'Clear-Cache more' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It '-OlderThan removes only entries written before that age' {
        Invoke-Cached { 'old' } -Key old | Out-Null
        Start-Sleep -Milliseconds 700
        Invoke-Cached { 'new' } -Key new | Out-Null
        Clear-Cache -OlderThan 500ms -PassThru -Confirm:$false | Should -Be 1
        (Get-CacheEntry).Label | Should -Be 'new'
    }

    It '-Expired -OlderThan removes entries that are both' {
        Invoke-Cached { 'a' } -Key expired-old -Ttl 100ms | Out-Null
        Invoke-Cached { 'b' } -Key live-old -Ttl 1h | Out-Null
        Start-Sleep -Milliseconds 700
        Invoke-Cached { 'c' } -Key expired-new -Ttl 1ms | Out-Null
        Start-Sleep -Milliseconds 50
        Clear-Cache -Expired -OlderThan 500ms -PassThru -Confirm:$false | Should -Be 1
        (Get-CacheEntry).Label | Sort-Object | Should -Be 'expired-new', 'live-old'
    }

    It 'piped rows with -Expired: only the expired ones go, fail-safe (stale) and live ones stay' {
        Invoke-Cached { 'e' } -Key expired -Ttl 100ms | Out-Null
        Invoke-Cached { 's' } -Key stale -Ttl 100ms -FailSafe -MaxStale 1h | Out-Null
        Invoke-Cached { 'l' } -Key live -Ttl 1h | Out-Null
        Start-Sleep -Milliseconds 300
        (Get-CacheEntry | Sort-Object Label).State | Should -Be 'Expired', 'Fresh', 'Stale'
        Get-CacheEntry | Clear-Cache -Expired -PassThru -Confirm:$false | Should -Be 1
        (Get-CacheEntry).Label | Sort-Object | Should -Be 'live', 'stale'
    }

    It 'clears the contexts given by name from the pipeline and counts them together' {
        $a = New-CacheContext -Name ca -Engine Memory
        $b = New-CacheContext -Name cb -Engine LiteDb
        try {
            1..3 | ForEach-Object { Invoke-Cached { param($n) $n } -Context $a -ArgumentList $_ | Out-Null }
            1..2 | ForEach-Object { Invoke-Cached { param($n) $n } -Context $b -ArgumentList $_ | Out-Null }
            (Get-CacheStats -Context ca, cb).Entries | Should -Be 3, 2
            Invoke-Cached { 'default stays' } | Out-Null
            'ca', $b | Clear-Cache -PassThru -Confirm:$false | Should -Be 5
            (Get-CacheStats -Context ca, cb).Entries | Should -Be 0, 0
            (Get-CacheStats -Context default).Entries | Should -Be 1
        } finally { $a.Dispose(); $b.Dispose() }
    }

    It 'clears the ambient context when called inside a scoped block' {
        Invoke-Cached { 'default stays' } | Out-Null
        New-CacheContext -Name scoped -Engine Memory -ScriptBlock {
            Invoke-Cached { 1 } | Out-Null
            Clear-Cache -PassThru -Confirm:$false
        } | Should -Be 1
        (Get-CacheStats -Context default).Entries | Should -Be 1
    }

    It '-All clears every open context and the stores no one has open' {
        # A store no context has open, as another process leaves it.
        New-CacheContext -Name offline -Engine LiteDb -ScriptBlock { Invoke-Cached { 1 } | Out-Null; Invoke-Cached { 2 } | Out-Null }
        $m = New-CacheContext -Name mem -Engine Memory
        try {
            Invoke-Cached { 'm' } -Context $m | Out-Null
            Invoke-Cached { 'd' } | Out-Null
            Clear-Cache -All -PassThru -Confirm:$false | Should -Be 4
            @(Get-CacheEntry -Context offline).Count | Should -Be 0
            @(Get-CacheEntry -Context mem).Count | Should -Be 0
            @(Get-CacheEntry -Context default).Count | Should -Be 0
        } finally { $m.Dispose() }
    }

    It '-All -WhatIf lists every entry that would go and removes nothing' {
        $out = Invoke-ChildPwsh -Root $root -Script @'
New-CacheContext -Name w1 -Engine LiteDb -ScriptBlock { Invoke-Cached { 'first' } -Key first | Out-Null }
Invoke-Cached { 'second' } -Key second | Out-Null
Clear-Cache -All -WhatIf
"left=$(@(Get-CacheEntry -Context w1).Count + @(Get-CacheEntry -Context default).Count)"
Clear-Cache -Expired -WhatIf
'@
        ($out | Where-Object { "$_" -like 'What if:*(first) of context ''w1''*' }).Count | Should -Be 1
        ($out | Where-Object { "$_" -like 'What if:*(second) of context ''default''*' }).Count | Should -Be 1
        $out | Should -Contain 'left=2'
        @(Get-CacheEntry -Context w1).Count | Should -Be 1
    }

    It 'a disposed or unknown context changes nothing and reports an error' {
        Invoke-Cached { 'stays' } | Out-Null
        $ctx = New-CacheContext -Name disposed -Engine Memory
        $ctx.Dispose()
        $err = $null
        Clear-Cache -Context $ctx, 'unknown' -ErrorVariable err -ErrorAction SilentlyContinue -Confirm:$false
        $err.Count | Should -Be 2
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'TwatCache.Configuration,*' }
        (Get-CacheStats -Context default).Entries | Should -Be 1
    }

    It 'shows progress on a large clear' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $root)
                $env:TWATCACHE_ROOT = $root
                Import-Module $module
                $ctx = New-CacheContext -Name big -Engine Memory
                try {
                    1..250 | Invoke-Cached { $_ } -Context $ctx | Out-Null
                    Start-Sleep -Milliseconds 20
                    Clear-Cache -Context $ctx -OlderThan 1ms -PassThru -Confirm:$false
                } finally { $ctx.Dispose() }
            }).AddArgument($ModulePath).AddArgument($root)
            Start-Sleep -Milliseconds 10
            $result = $ps.Invoke()
            $ps.Streams.Error | Should -BeNullOrEmpty
            $result | Should -Be 250
            @($ps.Streams.Progress | Where-Object Activity -eq "Clearing context 'big'").Count | Should -BeGreaterThan 1
        } finally { $ps.Dispose() }
    }
}

Describe 'Argument completers' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It '-Context of <command> completes open contexts and stores under the root' -ForEach @(
        @{ command = 'Get-CacheStats -Context ' }, @{ command = 'Get-CacheEntry -Context ' },
        @{ command = 'Clear-Cache -WhatIf -Context ' }, @{ command = 'Invoke-Cached { 1 } -Context ' }
    ) {
        # A store on disk that no context has open (as another process would leave it).
        New-CacheContext -Name ondisk -Engine LiteDb -ScriptBlock { Invoke-Cached { 1 } | Out-Null }
        Test-Path (Join-Path $root 'ondisk.tcdb') | Should -BeTrue
        $ctx = New-CacheContext -Name live-one -Engine Memory
        try {
            $names = (TabExpansion2 $command $command.Length).CompletionMatches.CompletionText
            $names | Should -Contain 'ondisk'
            $names | Should -Contain 'live-one'
            $names | Should -Contain 'default'
            $narrow = (TabExpansion2 "${command}on" ($command.Length + 2)).CompletionMatches.CompletionText
            $narrow | Should -Be 'ondisk'
            # Completing opened nothing.
            @(Get-CacheStats | Where-Object Context -eq 'ondisk').Count | Should -Be 0
        } finally { $ctx.Dispose() }
    }

    It '-Engine of <command> completes every engine' -ForEach @(@{ command = 'New-CacheContext -Name x -Engine ' }, @{ command = 'Invoke-Cached { 1 } -Engine ' }) {
        $names = (TabExpansion2 $command $command.Length).CompletionMatches.CompletionText
        $names | Sort-Object | Should -Be ([enum]::GetNames([TwatCache.CacheEngineKind]) | Sort-Object)
        (TabExpansion2 "${command}li" ($command.Length + 2)).CompletionMatches.CompletionText | Should -Be 'LiteDb'
    }
}
