# Bad input table: every case gives a clear ErrorRecord with a FullyQualifiedErrorId and leaves the
# cache intact (an entry written before the bad call still hits after it).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Get-ErrorOf([scriptblock] $Call) {
        try { & $Call; return $null } catch { return $_ }
    }
}

Describe 'Bad input' {
    BeforeAll {
        $root = New-TestCacheRoot
        Invoke-Cached { Step; 'kept' } -Key 'sentinel' | Out-Null
    }
    AfterAll { Remove-TestCacheRoot $root }

    It '<case> fails with <id>' -ForEach @(
        @{ case = 'Invoke-Cached -Ttl 1x'; id = 'ParameterArgumentTransformationError*'; call = { Invoke-Cached { 1 } -Ttl '1x' } }
        @{ case = 'Invoke-Cached -Ttl -5m'; id = 'ParameterArgumentTransformationError*'; call = { Invoke-Cached { 1 } -Ttl '-5m' } }
        @{ case = 'Invoke-Cached -Ttl huge number'; id = 'ParameterArgumentTransformationError*'; call = { Invoke-Cached { 1 } -Ttl ('9' * 400) } }
        @{ case = 'Invoke-Cached -Ttl of a wrong type'; id = 'ParameterArgumentTransformationError*'; call = { Invoke-Cached { 1 } -Ttl (Get-Date) } }
        @{ case = 'Invoke-Cached -SlidingTtl soon'; id = 'ParameterArgumentTransformationError*'; call = { Invoke-Cached { 1 } -SlidingTtl 'soon' } }
        @{ case = 'Invoke-Cached -Engine Bogus'; id = 'ParameterArgumentTransformationError*'; call = { Invoke-Cached { 1 } -Engine 'Bogus' } }
        @{ case = 'Invoke-Cached without a block'; id = 'ParameterArgumentValidationError*'; call = { Invoke-Cached -ScriptBlock $null } }
        @{ case = 'Invoke-Cached -Context unknown'; id = 'TwatCache.Configuration*'; call = { Invoke-Cached { 1 } -Context 'no-such-context' } }
        @{ case = 'Invoke-Cached -Context ../traversal'; id = 'TwatCache.Configuration*'; call = { Invoke-Cached { 1 } -Context '../etc' } }
        @{ case = 'Invoke-Cached un-keyable variable'; id = 'TwatCache.Key*'; call = { $h = $Host; Invoke-Cached { $h.Name } } }
        # A cyclic -Key is keyed by its shape since issue 13; a live object is still refused.
        @{ case = 'Invoke-Cached -Key holding a stream'; id = 'TwatCache.Key*'; call = { $a = @{ s = [IO.MemoryStream]::new() }; Invoke-Cached { 1 } -Key $a } }
        @{ case = 'New-CacheContext -Name empty'; id = 'ParameterArgumentValidationError*'; call = { New-CacheContext -Name '' } }
        @{ case = 'New-CacheContext -Name ..'; id = 'TwatCache.Configuration*'; call = { New-CacheContext -Name '..' } }
        @{ case = 'New-CacheContext -Name with /'; id = 'TwatCache.Configuration*'; call = { New-CacheContext -Name 'a/b' } }
        @{ case = 'New-CacheContext -Name with \'; id = 'TwatCache.Configuration*'; call = { New-CacheContext -Name 'a\b' } }
        @{ case = 'New-CacheContext -Name with NUL'; id = 'TwatCache.Configuration*'; call = { New-CacheContext -Name "a`0b" } }
        @{ case = 'New-CacheContext -Name too long'; id = 'TwatCache.Configuration*'; call = { New-CacheContext -Name ('x' * 300) } }
        @{ case = 'New-CacheContext -Engine Nope'; id = 'ParameterArgumentTransformationError*'; call = { New-CacheContext -Name ok1 -Engine 'Nope' } }
        @{ case = 'New-CacheContext -Depth 0'; id = 'ParameterArgumentValidationError*'; call = { New-CacheContext -Name ok2 -Depth 0 } }
        @{ case = 'New-CacheContext -Ttl soon'; id = 'ParameterArgumentTransformationError*'; call = { New-CacheContext -Name ok3 -Ttl 'soon' } }
        @{ case = 'Clear-Cache -Context unknown'; id = 'TwatCache.Configuration*'; call = { Clear-Cache -Context 'no-such-context' -ErrorAction Stop } }
        @{ case = 'Get-CacheStats -Context unknown'; id = 'TwatCache.Configuration*'; call = { Get-CacheStats -Context 'no-such-context' -ErrorAction Stop } }
    ) {
        $err = Get-ErrorOf $call
        $err | Should -Not -BeNullOrEmpty -Because "$case must fail"
        $err.FullyQualifiedErrorId | Should -BeLike $id
        "$err" | Should -Not -BeNullOrEmpty
        # The cache is intact: the sentinel written before still hits.
        Invoke-Cached { Step; 'kept' } -Key 'sentinel' | Should -Be 'kept'
        $global:TcRuns | Should -Be 1
    }

    It 'a huge -Key string is hashed, not stored as a path or name' {
        $big = 'k' * 1MB
        Invoke-Cached { 'big-key' } -Key $big | Should -Be 'big-key'
        Invoke-Cached { throw 'must not run' } -Key $big | Should -Be 'big-key'
        Get-ChildItem $root -Recurse | Where-Object Name -match 'kkkk' | Should -BeNullOrEmpty
    }

    It 'a name with path traversal creates nothing outside the root' {
        $parent = Split-Path $root
        $before = @(Get-ChildItem $parent -Filter '*.tcdb').Count
        { New-CacheContext -Name '../escape' } | Should -Throw
        @(Get-ChildItem $parent -Filter '*.tcdb').Count | Should -Be $before
    }
}
