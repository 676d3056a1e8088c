BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force
}

Describe 'Module' {
    It 'exports exactly the documented cmdlets' {
        $names = (Get-Command -Module TwatCache).Name | Sort-Object
        $names | Should -Be @('Clear-Cache', 'Get-CacheStats', 'Invoke-Cached', 'New-CacheContext')
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
        $s.Engine | Should -BeLike 'Memory+LiteDb*'   # Auto: memory in front of LiteDb (and File for large values, since the engines work)
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
    BeforeEach { $root = New-TestCacheRoot; $global:TcRuns = 0 }
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
    BeforeEach { $root = New-TestCacheRoot; $global:TcRuns = 0 }
    AfterEach { Remove-TestCacheRoot $root }

    It 'returns a disposable context that Invoke-Cached -Context uses' {
        $ctx = New-CacheContext -Name mine -Engine LiteDb
        try {
            $ctx | Should -BeOfType ([TwatCache.CacheContext])
            Invoke-Cached { Step; 1 } -Context $ctx | Out-Null
            Invoke-Cached { Step; 1 } -Context mine | Out-Null
            $global:TcRuns | Should -Be 1
            $ctx.Path | Should -Be (Join-Path $root 'mine.litedb')
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
