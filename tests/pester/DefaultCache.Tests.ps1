# Issue 15 item 4: one default cache per root. Entries written with Invoke-Cached -Engine X are listed,
# counted and cleared like any other; defaults that share a store never serve each other's old values.
BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'One default cache per root' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'Clear-Cache -Tag removes an entry written with -Engine Memory, and the next call runs the block' {
        Invoke-Cached { Step; 'm' } -Engine Memory -Tag inv | Out-Null
        Clear-Cache -Tag inv -PassThru -Confirm:$false | Should -Be 1
        Invoke-Cached { Step; 'm' } -Engine Memory -Tag inv | Out-Null
        Get-Runs | Should -Be 2
    }

    It 'Clear-Cache without arguments clears every default, -Engine Memory and -Engine LiteDb included' {
        Invoke-Cached { Step; 'a' } | Out-Null
        Invoke-Cached { Step; 'm' } -Engine Memory | Out-Null
        Invoke-Cached { Step; 'f' } -Engine File | Out-Null
        Clear-Cache -Confirm:$false
        Invoke-Cached { Step; 'a' } | Out-Null
        Invoke-Cached { Step; 'm' } -Engine Memory | Out-Null
        Invoke-Cached { Step; 'f' } -Engine File | Out-Null
        Get-Runs | Should -Be 6
    }

    It 'Get-CacheEntry lists entries of every default, each once' {
        Invoke-Cached { 'a' } -Key auto | Out-Null
        Invoke-Cached { 'm' } -Key mem -Engine Memory | Out-Null
        Invoke-Cached { 'l' } -Key lite -Engine LiteDb | Out-Null
        $rows = @(Get-CacheEntry)
        ($rows.Label | Sort-Object) | Should -Be @('auto', 'lite', 'mem')
        ($rows | Where-Object Label -eq 'mem').Engine | Should -Be 'Memory'
    }

    It 'an entry of -Engine Memory piped from Get-CacheEntry to Clear-Cache is removed' {
        Invoke-Cached { Step; 'm' } -Key mem -Engine Memory | Out-Null
        Get-CacheEntry -Label mem | Clear-Cache -PassThru -Confirm:$false | Should -Be 1
        Invoke-Cached { Step; 'm' } -Key mem -Engine Memory | Out-Null
        Get-Runs | Should -Be 2
    }

    It 'Get-CacheStats counts every default and no two rows share name and engine' {
        Invoke-Cached { 'a' } | Out-Null
        Invoke-Cached { 'm' } -Engine Memory | Out-Null
        Invoke-Cached { 'l' } -Engine LiteDb -Key l | Out-Null
        $rows = @(Get-CacheStats | Where-Object Context -eq 'default')
        $rows.Count | Should -Be 3
        @($rows | Group-Object Context, Engine | Where-Object Count -gt 1).Count | Should -Be 0
        ($rows | Where-Object Engine -eq 'Memory').Entries | Should -Be 1
        $text = Get-CacheStats | Out-String -Width 120
        $text | Should -Match 'default\s+Memory\s'
        $text | Should -Match 'default\s+Memory\+LiteDb\+File\s'
    }

    It 'a write through -Engine LiteDb is what the Auto default reads next (one memory layer)' {
        Invoke-Cached { 'old' } -Key shared | Should -Be 'old'
        Invoke-Cached { 'unused' } -Key shared | Should -Be 'old' # now in the Auto default's memory layer
        Invoke-Cached { 'new' } -Key shared -Engine LiteDb -Refresh | Should -Be 'new'
        Invoke-Cached { 'unused' } -Key shared | Should -Be 'new'
        Clear-Cache -Context (Get-CacheStats | Where-Object { $_.Context -eq 'default' -and $_.Engine -eq 'LiteDb' }) -Confirm:$false
        Invoke-Cached { Step; 'after' } -Key shared | Should -Be 'after'
        Get-Runs | Should -Be 1
    }

    It 'inside New-CacheContext -ScriptBlock, Clear-Cache still means the ambient context only' {
        Invoke-Cached { Step; 'outside' } | Out-Null
        New-CacheContext -Name amb -Engine Memory -ScriptBlock {
            Invoke-Cached { Step; 'inside' } | Out-Null
            Clear-Cache -Confirm:$false
        }
        Invoke-Cached { Step; 'outside' } | Out-Null
        Get-Runs | Should -Be 2
    }
}
