# Invoke-Cached -ExpiresAt: a fixed time, or a script block run on the result (issue #18 part 4), on every engine.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    Import-Module $ModulePath -Force
    $script:redis = Start-TestRedis
}

AfterAll {
    Stop-TestRedis $script:redis
}

Describe '-ExpiresAt on the <engine> engine' -ForEach @(
    @{ engine = 'Memory' }
    @{ engine = 'LiteDb' }
    @{ engine = 'File' }
    @{ engine = 'Redis' }
) {
    BeforeEach {
        $root = New-TestCacheRoot
        $global:TcRuns = 0
        $ctx = New-TestContext $engine -Prefix 'expires' -Redis $redis
    }
    AfterEach { Remove-TestContext $ctx $root }

    It 'stores the entry until the given DateTime' {
        $midnight = (Get-Date).Date.AddDays(1)
        Invoke-Cached { Step; 'today' } -Context $ctx -ExpiresAt $midnight | Should -Be 'today'
        Invoke-Cached { Step; 'today' } -Context $ctx -ExpiresAt $midnight | Should -Be 'today'
        Get-Runs | Should -Be 1
        (Get-CacheEntry -Context $ctx).Expires | Should -Be ([DateTimeOffset]$midnight)
    }

    It 'takes a DateTimeOffset' {
        $at = [DateTimeOffset]::new(2099, 1, 2, 3, 4, 5, [TimeSpan]::FromHours(2))
        Invoke-Cached { 'far' } -Context $ctx -ExpiresAt $at | Out-Null
        (Get-CacheEntry -Context $ctx).Expires.UtcTicks | Should -Be $at.UtcTicks
    }

    It 'runs a script block on the single output object ($_) to get the expiry' {
        $expiresOn = [DateTimeOffset]::UtcNow.AddHours(1)
        $token = Invoke-Cached { Step; [pscustomobject]@{ Token = 'abc'; ExpiresOn = $expiresOn } } -Context $ctx -ExpiresAt { $_.ExpiresOn.AddMinutes(-5) }
        $token.Token | Should -Be 'abc'
        (Get-CacheEntry -Context $ctx).Expires.UtcTicks | Should -Be $expiresOn.AddMinutes(-5).UtcTicks
    }

    It 'gives the script block the array of outputs when there are several' {
        $base = [DateTimeOffset]::new([DateTime]::UtcNow.Date.AddDays(2), [TimeSpan]::Zero)
        Invoke-Cached { $base.AddHours(3); $base.AddHours(1); $base.AddHours(2) } -Context $ctx -ExpiresAt { ($_ | Sort-Object)[0] } | Should -HaveCount 3
        (Get-CacheEntry -Context $ctx).Expires.UtcTicks | Should -Be $base.AddHours(1).UtcTicks
    }

    It 'does not run the script block on a hit' {
        $global:TcExpiryRuns = 0
        Invoke-Cached { 'v' } -Context $ctx -ExpiresAt { $global:TcExpiryRuns++; (Get-Date).AddHours(1) } | Out-Null
        Invoke-Cached { 'v' } -Context $ctx -ExpiresAt { $global:TcExpiryRuns++; (Get-Date).AddHours(1) } | Out-Null
        $global:TcExpiryRuns | Should -Be 1
    }

    It 'stores nothing for an expiry in the past, and -Verbose says so' {
        $verbose = Invoke-Cached { Step; 'stale token' } -Context $ctx -ExpiresAt { (Get-Date).AddMinutes(-1) } -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        $verbose | Where-Object { $_ -like 'Not cached: -ExpiresAt*in the past*' } | Should -HaveCount 1
        Get-CacheEntry -Context $ctx | Should -BeNullOrEmpty
        Invoke-Cached { Step; 'stale token' } -Context $ctx -ExpiresAt (Get-Date).AddMinutes(-1) | Should -Be 'stale token'
        Get-Runs | Should -Be 2
    }
}

Describe '-ExpiresAt arguments' {
    BeforeEach {
        $root = New-TestCacheRoot
        $ctx = New-CacheContext -Name 'expires-args' -Engine Memory
    }
    AfterEach {
        $ctx.Dispose()
        Remove-TestCacheRoot $root
    }

    It '-Ttl with -ExpiresAt is a parameter binding error' {
        { Invoke-Cached { 'x' } -Context $ctx -Ttl 1h -ExpiresAt (Get-Date).AddHours(1) } | Should -Throw -ErrorId 'AmbiguousParameterSet*'
    }

    It 'a value that is not a time or a script block is refused with TwatCache.ExpiresAt' {
        { Invoke-Cached { 'x' } -Context $ctx -ExpiresAt 42 } | Should -Throw -ErrorId 'TwatCache.ExpiresAt*'
    }

    It 'a script block that returns no time leaves the result uncached with a warning' {
        $out = Invoke-Cached { 'x' } -Context $ctx -ExpiresAt { 'soon' } -WarningVariable warned -WarningAction SilentlyContinue
        $out | Should -Be 'x'
        "$warned" | Should -Match '-ExpiresAt'
        Get-CacheEntry -Context $ctx | Should -BeNullOrEmpty
    }
}
