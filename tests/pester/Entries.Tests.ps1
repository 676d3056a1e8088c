BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'Get-CacheEntry' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'lists each entry with its key, label, size, times and hits' {
        Invoke-Cached { Step; 'alpha' } -Ttl 1h | Out-Null
        Invoke-Cached { Step; 'alpha' } -Ttl 1h | Out-Null
        Invoke-Cached { Step; 'beta' } -Key 'my-key' | Out-Null
        $rows = @(Get-CacheEntry)
        $rows.Count | Should -Be 2
        $rows | ForEach-Object { $_ | Should -BeOfType ([TwatCache.CacheEntryInfo]) }
        $a = $rows | Where-Object Label -eq "Step; 'alpha'"
        $a.Context | Should -Be 'default'
        $a.Key | Should -Match '^[0-9a-f]{32}$'
        $a.Engine | Should -Be 'Memory+LiteDb+File'
        $a.SizeBytes | Should -BeGreaterThan 0
        $a.Hits | Should -Be 1
        $a.IsExpired | Should -BeFalse
        ($a.Expires - $a.Created) | Should -Be ([timespan]::FromHours(1))
        $a.LastAccess | Should -BeGreaterOrEqual $a.Created
        $b = $rows | Where-Object Label -eq 'my-key'
        $b.Expires | Should -BeNullOrEmpty
        $b.Hits | Should -Be 0
    }

    It 'filters by -Label wildcard and -Expired' {
        Invoke-Cached { 'report-1' } -Key 'report-1' -Ttl 200ms | Out-Null
        Invoke-Cached { 'report-2' } -Key 'report-2' -Ttl 1h | Out-Null
        Invoke-Cached { 'other' } -Key 'other' -Ttl 200ms | Out-Null
        Start-Sleep -Milliseconds 400
        @(Get-CacheEntry -Label 'report-*').Label | Sort-Object | Should -Be 'report-1', 'report-2'
        @(Get-CacheEntry -Expired).Label | Sort-Object | Should -Be 'other', 'report-1'
        @(Get-CacheEntry -Label 'REPORT-*' -Expired).Label | Should -Be 'report-1'
        @(Get-CacheEntry -Label 'nothing*').Count | Should -Be 0
    }

    It 'lists the context given as an object, a name, from the pipeline, or the ambient one' {
        $ctx = New-CacheContext -Name listed -Engine LiteDb
        try {
            Invoke-Cached { 'in listed' } -Context $ctx | Out-Null
            Invoke-Cached { 'in default' } | Out-Null
            (Get-CacheEntry -Context $ctx).Label | Should -Be "'in listed'"
            (Get-CacheEntry listed).Label | Should -Be "'in listed'"
            @('listed', 'default' | Get-CacheEntry).Count | Should -Be 2
            (New-CacheContext -Name amb -Engine Memory -ScriptBlock { Invoke-Cached { 'amb' } | Out-Null; Get-CacheEntry }).Context | Should -Be 'amb'
        } finally { $ctx.Dispose() }
    }

    It 'lists a store under the root that no context has open' {
        New-CacheContext -Name closed -Engine LiteDb -ScriptBlock { Invoke-Cached { 'written before' } | Out-Null }
        (Get-CacheEntry -Context closed).Label | Should -Be "'written before'"
    }

    It 'an unknown context is a TwatCache.Configuration error with ObjectNotFound' {
        $err = $null
        Get-CacheEntry -Context 'nope' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'TwatCache.Configuration,TwatCache.PowerShell.Cmdlets.GetCacheEntryCommand'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'a disposed context is a clean error' {
        $ctx = New-CacheContext -Name gone -Engine Memory
        $ctx.Dispose()
        $err = $null
        Get-CacheEntry -Context $ctx -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'TwatCache.Configuration,*'
        "$($err[0])" | Should -Match 'disposed'
    }

    It 'shows as a table with the documented columns' {
        Invoke-Cached { 'shown' } -Ttl 1h | Out-Null
        $text = Get-CacheEntry | Out-String -Width 250
        Assert-TableColumns $text 'Label', 'Engine', 'SizeBytes', 'Created', 'Expires', 'Hits', 'State', 'Tags'
        $text | Should -Match 'Context: default'
    }
}

Describe 'Get-CacheEntry | Clear-Cache' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'removes exactly the piped entries, memory layer included' {
        foreach ($k in 'keep-1', 'drop-1', 'keep-2', 'drop-2') { Invoke-Cached { Step; 'v' } -Key $k | Out-Null }
        $global:TcRuns | Should -Be 4
        Get-CacheEntry -Label 'drop-*' | Clear-Cache -PassThru -Confirm:$false | Should -Be 2
        @(Get-CacheEntry).Label | Sort-Object | Should -Be 'keep-1', 'keep-2'
        foreach ($k in 'keep-1', 'keep-2') { Invoke-Cached { Step; 'v' } -Key $k | Out-Null }
        $global:TcRuns | Should -Be 4
        foreach ($k in 'drop-1', 'drop-2') { Invoke-Cached { Step; 'v' } -Key $k | Out-Null }
        $global:TcRuns | Should -Be 6
    }

    It 'removes entries of several contexts, each from its own' {
        $ctx = New-CacheContext -Name second -Engine Memory
        try {
            Invoke-Cached { 'a' } -Key same | Out-Null
            Invoke-Cached { 'a' } -Key same -Context $ctx | Out-Null
            Invoke-Cached { 'b' } -Key stays -Context $ctx | Out-Null
            @(Get-CacheEntry -Context default, second -Label same | Clear-Cache -PassThru -Confirm:$false) | Should -Be 2
            @(Get-CacheEntry -Context default).Count | Should -Be 0
            (Get-CacheEntry -Context second).Label | Should -Be 'stays'
        } finally { $ctx.Dispose() }
    }

    It '-WhatIf removes nothing' {
        Invoke-Cached { 'a' } -Key one | Out-Null
        Invoke-Cached { 'b' } -Key two | Out-Null
        Get-CacheEntry | Clear-Cache -WhatIf -PassThru | Should -Be 0
        @(Get-CacheEntry).Count | Should -Be 2
    }
}
