# Invoke-Cached -FailSafe: a failed refresh of an expired entry returns the old result with one warning.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    # The source the cached blocks call; a function body is not part of the key, so the same block text
    # (and key) succeeds or fails as $global:TcDown says.
    function global:Get-Source {
        if ($global:TcDown) { throw 'source is down' }
        Step
        "v$(Get-Runs)"
    }
    function global:Get-SoftSource {
        if ($global:TcDown) { Write-Error 'source answered 503' -ErrorAction Continue; return }
        Step
        "v$(Get-Runs)"
    }
}

AfterAll {
    Remove-Item Function:\Get-Source, Function:\Get-SoftSource -ErrorAction SilentlyContinue
}

Describe 'Invoke-Cached -FailSafe' {
    BeforeEach {
        $root = New-TestCacheRoot
        $global:TcDown = $false
        $ctx = New-TestContext LiteDb -Prefix fs
        $name = $ctx.Name
    }
    AfterEach {
        $ctx.Dispose()
        Remove-TestCacheRoot $root
    }

    It 'returns the expired result with one warning and no error when the refresh throws' {
        Invoke-Cached { Get-Source } -Context $ctx -Ttl 300ms -FailSafe | Should -Be 'v1'
        Start-Sleep -Milliseconds 500
        $global:TcDown = $true
        $errors = @()
        $result = Invoke-Cached { Get-Source } -Context $ctx -Ttl 300ms -FailSafe -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors
        $result | Should -Be 'v1'
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'source is down'
        "$($warnings[0])" | Should -Match 'from \d+s ago'
        $errors.Count | Should -Be 0
        (Get-CacheStats -Context $ctx).StaleServed | Should -Be 1
    }

    It 'serves stale when the refresh writes errors, and none of those errors reach the caller' {
        Invoke-Cached { Get-SoftSource } -Context $ctx -Ttl 300ms -FailSafe | Should -Be 'v1'
        Start-Sleep -Milliseconds 500
        $global:TcDown = $true
        $result = Invoke-Cached { Get-SoftSource } -Context $ctx -Ttl 300ms -FailSafe -WarningVariable warnings -WarningAction SilentlyContinue -ErrorVariable errors -ErrorAction Continue
        $result | Should -Be 'v1'
        $errors.Count | Should -Be 0
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match '503'
    }

    It 'does not mix the partial output of a failed refresh with the stale result' {
        Invoke-Cached { 'part'; Get-Source } -Context $ctx -Ttl 300ms -FailSafe | Should -Be 'part', 'v1'
        Start-Sleep -Milliseconds 500
        $global:TcDown = $true
        $result = Invoke-Cached { 'part'; Get-Source } -Context $ctx -Ttl 300ms -FailSafe -WarningAction SilentlyContinue
        $result | Should -Be 'part', 'v1'
    }

    It 'throws past -MaxStale, and the entry is gone' {
        Invoke-Cached { Get-Source } -Context $ctx -Ttl 200ms -FailSafe -MaxStale 600ms | Should -Be 'v1'
        Start-Sleep -Milliseconds 900
        $global:TcDown = $true
        { Invoke-Cached { Get-Source } -Context $ctx -Ttl 200ms -FailSafe -MaxStale 600ms } | Should -Throw '*source is down*'
        @(Get-CacheEntry -Context $ctx).Count | Should -Be 0
    }

    It 'throws without -FailSafe even while a stale result is kept' {
        Invoke-Cached { Get-Source } -Context $ctx -Ttl 300ms -FailSafe | Should -Be 'v1'
        Start-Sleep -Milliseconds 500
        $global:TcDown = $true
        { Invoke-Cached { Get-Source } -Context $ctx -Ttl 300ms } | Should -Throw '*source is down*'
    }

    It 'a successful refresh replaces the stale result' {
        Invoke-Cached { Get-Source } -Context $ctx -Ttl 300ms -FailSafe | Should -Be 'v1'
        Start-Sleep -Milliseconds 500
        Invoke-Cached { Get-Source } -Context $ctx -Ttl 1h -FailSafe | Should -Be 'v2'
        $global:TcDown = $true
        Invoke-Cached { Get-Source } -Context $ctx -Ttl 1h -FailSafe | Should -Be 'v2'
        Get-Runs | Should -Be 2
    }

    It 'Get-CacheEntry shows the kept entry as stale until -MaxStale passes' {
        Invoke-Cached { Get-Source } -Context $ctx -Ttl 200ms -FailSafe -MaxStale 1h | Out-Null
        Invoke-Cached { 'plain' } -Context $ctx -Ttl 200ms | Out-Null
        Start-Sleep -Milliseconds 400
        $entries = @(Get-CacheEntry -Context $ctx)
        $entries.Count | Should -Be 2
        $stale = $entries | Where-Object IsStale
        @($stale).Count | Should -Be 1
        $stale.State | Should -Be 'Stale'
        $stale.StaleUntil | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(50))
        # Pruning expired entries keeps the fail-safe reserve and drops the rest.
        Clear-Cache -Context $ctx -Expired -PassThru | Should -Be 1
        (Get-CacheEntry -Context $ctx).IsStale | Should -BeTrue
    }

    It 'New-CacheContext -FailSafe -MaxStale makes it the default of every call; -FailSafe:$false opts out' {
        New-CacheContext -Name "$name-d" -Engine Memory -FailSafe -MaxStale 7d -ScriptBlock {
            Invoke-Cached { Get-Source } -Ttl 300ms | Should -Be 'v1'
            Start-Sleep -Milliseconds 500
            $global:TcDown = $true
            Invoke-Cached { Get-Source } -Ttl 300ms -WarningAction SilentlyContinue | Should -Be 'v1'
            { Invoke-Cached { Get-Source } -Ttl 300ms -FailSafe:$false } | Should -Throw '*source is down*'
        }
    }

    It 'serves a result written by another process from a LiteDb store' {
        # This process writes; a child pwsh, whose source is down, reads the kept result from the same file.
        $first = Invoke-Cached { 'from ' + $PID } -Key report -Context $ctx -Ttl 500ms -FailSafe
        $first | Should -Be "from $PID"
        Start-Sleep -Milliseconds 700
        $fail = "`$c = New-CacheContext -Name $name -Engine LiteDb; " +
            "Invoke-Cached { throw 'api down' } -Key report -Context `$c -Ttl 1s -FailSafe -WarningVariable w -WarningAction SilentlyContinue; 'warnings=' + `$w.Count; " +
            "try { Invoke-Cached { throw 'api down' } -Key report -Context `$c -Ttl 1s } catch { 'plain call: ' + `$_ }"
        $second = Invoke-ChildPwsh -Script $fail
        $second[0] | Should -Be $first
        $second[1] | Should -Be 'warnings=1'
        # Without -FailSafe the same process fails as it would without a cache.
        $second[2] | Should -Be 'plain call: api down'
    }
}
