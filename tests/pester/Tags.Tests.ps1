# Invoke-Cached -Tag, Get-CacheEntry -Tag and Clear-Cache -Tag on every engine (Redis on a real server started here).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    $script:redis = Start-TestRedis
}

AfterAll { Stop-TestRedis $script:redis }

Describe 'Tags on the <engine> engine' -ForEach @(@{ engine = 'Memory' }, @{ engine = 'LiteDb' }, @{ engine = 'File' }, @{ engine = 'Auto' }, @{ engine = 'Redis' }) {
    BeforeEach {
        $root = New-TestCacheRoot
        $ctx = New-TestContext $engine -Prefix tags -Redis $redis
        Invoke-Cached { Step; 'a' } -Key a -Context $ctx -Tag Inventory, vm | Out-Null
        Invoke-Cached { 'b' } -Key b -Context $ctx -Tag vm | Out-Null
        Invoke-Cached { 'c' } -Key c -Context $ctx -Tag network | Out-Null
        Invoke-Cached { 'd' } -Key d -Context $ctx | Out-Null
    }
    AfterEach {
        if ($engine -eq 'Redis') { $ctx.Clear() | Out-Null }
        $ctx.Dispose()
        Remove-TestCacheRoot $root
    }

    It 'stores the tags with the entry and filters by them' {
        $ctx.EngineName | Should -BeLike "*$(if ($engine -eq 'Auto') { 'LiteDb' } else { $engine })*"
        $a = Get-CacheEntry -Context $ctx -Tag inventory
        @($a).Count | Should -Be 1
        $a.Label | Should -Be 'a'
        $a.Tags | Should -Be 'inventory', 'vm'
        @(Get-CacheEntry -Context $ctx -Tag VM).Label | Sort-Object | Should -Be 'a', 'b'
        @(Get-CacheEntry -Context $ctx -Tag nothing-here).Count | Should -Be 0
        @(Get-CacheEntry -Context $ctx).Count | Should -Be 4
    }

    It 'Clear-Cache -Tag -WhatIf removes nothing' {
        Clear-Cache -Context $ctx -Tag vm -WhatIf
        @(Get-CacheEntry -Context $ctx).Count | Should -Be 4
    }

    It 'Clear-Cache -Tag removes every tagged entry and leaves the others alone' {
        Clear-Cache -Context $ctx -Tag vm -PassThru | Should -Be 2
        @(Get-CacheEntry -Context $ctx).Label | Sort-Object | Should -Be 'c', 'd'
        # The untagged and otherwise tagged entries still hit; the removed one runs again.
        Invoke-Cached { throw 'must not run' } -Key c -Context $ctx | Should -Be 'c'
        Invoke-Cached { throw 'must not run' } -Key d -Context $ctx | Should -Be 'd'
        Invoke-Cached { Step; 'a' } -Key a -Context $ctx | Should -Be 'a'
        Get-Runs | Should -Be 2
        Clear-Cache -Context $ctx -Tag vm -PassThru | Should -Be 0
    }

    It 'clears several tags in one call' {
        Clear-Cache -Context $ctx -Tag inventory, network -PassThru | Should -Be 2
        @(Get-CacheEntry -Context $ctx).Label | Sort-Object | Should -Be 'b', 'd'
    }
}

Describe 'Tag input' {
    BeforeAll { $root = New-TestCacheRoot }
    AfterAll { Remove-TestCacheRoot $root }

    It 'an empty tag fails parameter validation and runs nothing' {
        $global:TcRuns = 0
        { Invoke-Cached { Step; 1 } -Key t -Tag '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        { Clear-Cache -Tag '' } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        Get-Runs | Should -Be 0
    }

    It 'a tagged entry written by this process is cleared by tag from another (LiteDb)' {
        $ctx = New-CacheContext -Name tag-x -Engine LiteDb
        Invoke-Cached { 'x' } -Key shared -Tag batch -Ttl 1h -Context $ctx | Out-Null
        Invoke-Cached { 'y' } -Key other -Ttl 1h -Context $ctx | Out-Null
        $out = Invoke-ChildPwsh -Script "`$c = New-CacheContext -Name tag-x -Engine LiteDb; Clear-Cache -Context `$c -Tag batch -PassThru"
        $out | Should -Be 1
        (Get-CacheEntry -Context $ctx).Label | Should -Be 'other'
        $ctx.Dispose()
    }
}
