# Invoke-Cached -ReplayStreams stores warnings and information records (Write-Warning, Write-Information,
# Write-Host) with the output and writes them again, in the same order, on hits (issue #18 part 3).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    Import-Module $ModulePath -Force
    $script:redis = Start-TestRedis

    # Every stream of a call merged, as "Kind: text" lines in the order they arrived.
    function Get-Log([scriptblock] $Call) {
        & $Call *>&1 | ForEach-Object {
            switch ($_) {
                { $_ -is [System.Management.Automation.WarningRecord] } { "warning: $($_.Message)"; break }
                { $_ -is [System.Management.Automation.InformationRecord] } { "information: $($_.MessageData)"; break }
                default { "output: $_" }
            }
        }
    }
}

AfterAll {
    Stop-TestRedis $script:redis
}

Describe '-ReplayStreams on the <engine> engine' -ForEach @(
    @{ engine = 'Memory' }
    @{ engine = 'LiteDb' }
    @{ engine = 'Redis' }
) {
    BeforeEach {
        $root = New-TestCacheRoot
        $global:TcRuns = 0
        $ctx = New-TestContext $engine -Prefix 'streams' -Redis $redis
        $job = { Step; Write-Warning 'disk almost full'; 'first'; Write-Host 'progress 50%'; Write-Information 'halfway' -Tags Job; 'second'; Write-Warning 'slow mirror' }
    }
    AfterEach { Remove-TestContext $ctx $root }

    It 'replays warnings and information records interleaved with the output as the miss wrote them' {
        $expected = 'warning: disk almost full', 'output: first', 'information: progress 50%', 'information: halfway', 'output: second', 'warning: slow mirror'
        $miss = Get-Log { Invoke-Cached $job -Context $ctx -ReplayStreams }
        $hit = Get-Log { Invoke-Cached $job -Context $ctx -ReplayStreams }
        Get-Runs | Should -Be 1
        $miss | Should -Be $expected
        $hit | Should -Be $expected
    }

    It 'keeps Write-Host colours and the information tags' {
        Invoke-Cached { Write-Host 'red alert' -ForegroundColor Red -NoNewline; Write-Information 'tagged' -Tags Deploy; 'x' } -Context $ctx -ReplayStreams 6>$null | Out-Null
        $records = Invoke-Cached { Write-Host 'red alert' -ForegroundColor Red -NoNewline; Write-Information 'tagged' -Tags Deploy; 'x' } -Context $ctx -ReplayStreams 6>&1 |
            Where-Object { $_ -is [System.Management.Automation.InformationRecord] }
        $records | Should -HaveCount 2
        $records[0].MessageData.Message | Should -Be 'red alert'
        $records[0].MessageData.ForegroundColor | Should -Be ([ConsoleColor]::Red)
        $records[0].MessageData.NoNewLine | Should -BeTrue
        $records[0].Tags | Should -Contain 'PSHOST'
        $records[1].MessageData | Should -Be 'tagged'
        $records[1].Tags | Should -Contain 'Deploy'
    }

    It 'fills the caller''s -WarningVariable on the miss and on the hit' {
        Invoke-Cached $job -Context $ctx -ReplayStreams -WarningVariable missWarnings -WarningAction SilentlyContinue 6>$null | Out-Null
        Invoke-Cached $job -Context $ctx -ReplayStreams -WarningVariable hitWarnings -WarningAction SilentlyContinue 6>$null | Out-Null
        @($missWarnings | ForEach-Object Message) | Should -Be 'disk almost full', 'slow mirror'
        @($hitWarnings | ForEach-Object Message) | Should -Be 'disk almost full', 'slow mirror'
    }

    It 'without -ReplayStreams a hit writes the output only, as before' {
        Invoke-Cached $job -Context $ctx *>&1 | Out-Null
        Get-Log { Invoke-Cached $job -Context $ctx } | Should -Be 'output: first', 'output: second'
        Get-Runs | Should -Be 1
    }

    It 'runs again when the entry was stored without -ReplayStreams, then replays' {
        Invoke-Cached $job -Context $ctx *>&1 | Out-Null
        $second = Get-Log { Invoke-Cached $job -Context $ctx -ReplayStreams }
        Get-Runs | Should -Be 2
        $third = Get-Log { Invoke-Cached $job -Context $ctx -ReplayStreams }
        Get-Runs | Should -Be 2
        $third | Should -Be $second
    }
}

Describe '-ReplayStreams in a fresh process' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a scheduled job''s log reads the same on the hit in the next process' {
        $call = "`$c = New-CacheContext -Name nightly -Engine LiteDb; " +
                "Invoke-Cached { [Console]::Error.WriteLine('ran'); Write-Warning 'w1'; 'out'; Write-Information 'i1' } -Context `$c -ReplayStreams *>&1 | ForEach-Object { `"`$(`$_.GetType().Name): `$_`" }; `$c.Dispose()"
        $first = Invoke-ChildPwsh $call
        $second = Invoke-ChildPwsh $call
        @($first | Where-Object { "$_" -ne 'ran' }) | Should -Be 'WarningRecord: w1', 'String: out', 'InformationRecord: i1'
        @($second | Where-Object { "$_" -eq 'ran' }) | Should -BeNullOrEmpty
        @($second) | Should -Be 'WarningRecord: w1', 'String: out', 'InformationRecord: i1'
    }
}
