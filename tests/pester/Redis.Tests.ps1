# The Redis engine against a Redis-protocol server on a free loopback port (started here, killed afterwards):
# Garnet by default, a real redis-server with TWATCACHE_TEST_REDIS=redis-server (RedisTestHelpers.ps1).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    $script:redis = Start-TestRedis
}

AfterAll {
    Remove-Item Env:TWATCACHE_REDIS, Env:TWATCACHE_ENGINE -ErrorAction SilentlyContinue
    Stop-TestRedis $script:redis
}

Describe 'Redis engine' {
    BeforeEach {
        $root = New-TestCacheRoot
        $env:TWATCACHE_REDIS = $redis.ConnectionString
        $name = 'pester-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    }
    AfterEach {
        Invoke-RedisCommand $redis EVAL "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end" 0 "twatcache:$name*" | Out-Null
        Remove-Item Env:TWATCACHE_REDIS, Env:TWATCACHE_ENGINE -ErrorAction SilentlyContinue
        Remove-TestCacheRoot $root
    }

    It 'two pwsh processes share an entry' {
        $script = "`$env:TWATCACHE_REDIS = '$($redis.ConnectionString)'; `$ctx = New-CacheContext -Name $name -Engine Redis; " +
            "Invoke-Cached { 'made by ' + [Environment]::ProcessId } -Context `$ctx -Ttl 1h; (Get-CacheStats -Context $name).Hits"
        $first = Invoke-ChildPwsh -Script $script
        $second = Invoke-ChildPwsh -Script $script
        $first[0] | Should -Match '^made by \d+$'
        $second[0] | Should -Be $first[0]
        $first[1] | Should -Be 0
        $second[1] | Should -Be 1
        # Nothing went to the local store: the entry lives in Redis only.
        Test-Path (Join-Path $root "$name.tcdb") | Should -BeFalse
        @(Get-RedisKeys $redis -Pattern "twatcache:${name}:*").Count | Should -Be 1
    }

    It 'TWATCACHE_ENGINE=Redis puts the default context on Redis' {
        $script = "`$env:TWATCACHE_ENGINE = 'Redis'; `$env:TWATCACHE_REDIS = '$($redis.ConnectionString)'; " +
            "Invoke-Cached { 'from ' + [Environment]::ProcessId } -Key '$name'; (Get-CacheStats -Context default).Engine"
        $first = Invoke-ChildPwsh -Script $script
        $second = Invoke-ChildPwsh -Script $script
        $second[0] | Should -Be $first[0]
        $first[1] | Should -Be 'Redis'
        Get-RedisKeys $redis -Pattern 'twatcache:default:*' | Should -Not -BeNullOrEmpty
        Invoke-RedisCommand $redis EVAL "for _,k in ipairs(redis.call('keys', 'twatcache:default:*')) do redis.call('del', k) end" 0 | Out-Null
    }

    It 'an entry expires with its TTL, in Redis as well' {
        $ctx = New-CacheContext -Name $name -Engine Redis
        try {
            Invoke-Cached { Step; 'v' } -Context $ctx -Ttl 1s | Out-Null
            $key = @(Get-RedisKeys $redis -Pattern "twatcache:${name}:*")[0]
            [int](Invoke-RedisCommand $redis PTTL $key) | Should -BeGreaterThan 0
            Invoke-Cached { Step; 'v' } -Context $ctx -Ttl 1s | Out-Null
            $global:TcRuns | Should -Be 1
            Start-Sleep -Milliseconds 1500
            Invoke-RedisCommand $redis EXISTS $key | Should -Be 0
            Invoke-Cached { Step; 'v' } -Context $ctx -Ttl 1s | Out-Null
            $global:TcRuns | Should -Be 2
        } finally { $ctx.Dispose() }
    }

    It 'Clear-Cache empties a context of thousands of entries by SCAN, never KEYS, and spares its neighbours' {
        $ctx = New-CacheContext -Name $name -Engine Redis
        $other = New-CacheContext -Name "$name-other" -Engine Redis
        try {
            1..2000 | Invoke-Cached { $_ * 2 } -Context $ctx -Ttl 1h | Out-Null
            Invoke-Cached { 'keep' } -Context $other | Out-Null
            (Get-CacheStats -Context $name).Entries | Should -Be 2000
            # Counts before and after (CONFIG RESETSTAT is not in Garnet).
            $before = Get-RedisCommandCalls $redis
            Clear-Cache -Context $name -PassThru -Confirm:$false | Should -Be 2000
            $after = Get-RedisCommandCalls $redis
            [long]$after['keys'] | Should -Be ([long]$before['keys']) -Because 'Clear-Cache must never send KEYS'
            [long]$after['scan'] | Should -BeGreaterThan ([long]$before['scan'])
            @(Get-RedisKeys $redis -Pattern "twatcache:${name}:*").Count | Should -Be 0
            (Get-CacheStats -Context "$name-other").Entries | Should -Be 1
        } finally { $ctx.Dispose(); $other.Dispose() }
    }

    It 'two processes contending for one key run the block once' {
        $log = Join-Path $root 'runs.log'
        New-Item -ItemType Directory -Path $root -Force | Out-Null
        $ready = Join-Path $root 'ready'
        New-Item -ItemType Directory -Path $ready -Force | Out-Null
        # Each child says it is about to call; the block that runs first waits until both have said so and
        # then long enough for the other to reach the lock, so the two calls overlap however slowly each starts.
        $script = "`$env:TWATCACHE_REDIS = '$($redis.ConnectionString)'; `$ctx = New-CacheContext -Name $name -Engine Redis; " +
            "New-Item -ItemType File -Path (Join-Path '$ready' ([Environment]::ProcessId)) | Out-Null; " +
            "Invoke-Cached -Key 'slow' -Context `$ctx -Ttl 1h { Add-Content -Path '$log' -Value ([Environment]::ProcessId); " +
            "`$until = [DateTime]::UtcNow.AddSeconds(60); while (@(Get-ChildItem '$ready').Count -lt 2 -and [DateTime]::UtcNow -lt `$until) { Start-Sleep -Milliseconds 100 }; " +
            "Start-Sleep -Seconds 2; 'computed by ' + [Environment]::ProcessId }"
        $a = Invoke-ChildPwsh -NoWait -Script $script
        $b = Invoke-ChildPwsh -NoWait -Script $script
        $outA = (Wait-ChildPwsh $a -TimeoutSeconds 120 -AssertSuccess).Output
        $outB = (Wait-ChildPwsh $b -TimeoutSeconds 120 -AssertSuccess).Output
        @(Get-ChildItem $ready).Count | Should -Be 2
        @(Get-Content $log).Count | Should -Be 1
        $outA | Should -Be $outB
        $outA | Should -Be "computed by $(Get-Content $log)"
    }

    It 'with TWATCACHE_SECRET, payloads forged in Redis are ignored and the block runs' {
        # The attacker has write access to Redis but not the secret: it makes an unsigned entry of its own...
        $attacker = New-CacheContext -Name "$name-attacker" -Engine Redis
        Invoke-Cached { 'forged' } -Key 'k' -Context $attacker | Out-Null
        $attacker.Dispose()
        $forgedKey = "twatcache:$name-attacker:" + $attacker.HashKey('k')

        $env:TWATCACHE_SECRET = 'fleet-secret'
        try {
            $ctx = New-CacheContext -Name $name -Engine Redis
            Invoke-Cached { Step; 'genuine' } -Key 'k' -Context $ctx | Should -Be 'genuine'
            $victimKey = "twatcache:${name}:" + $ctx.HashKey('k')
            # ...and copies it over the signed one.
            Copy-RedisKey $redis -From $forgedKey -To $victimKey | Should -Be 1
            Invoke-Cached { Step; 'genuine' } -Key 'k' -Context $ctx | Should -Be 'genuine'
            $global:TcRuns | Should -Be 2
            # Bytes that are no envelope at all are a miss too.
            Invoke-RedisCommand $redis HSET $victimKey payload 'not an envelope' | Out-Null
            Invoke-Cached { Step; 'genuine' } -Key 'k' -Context $ctx | Should -Be 'genuine'
            $global:TcRuns | Should -Be 3
            $ctx.Dispose()
        } finally { Remove-Item Env:TWATCACHE_SECRET -ErrorAction SilentlyContinue }

        # Control: without the secret the copied entry would have been served.
        Copy-RedisKey $redis -From $forgedKey -To $victimKey | Out-Null
        $unsigned = New-CacheContext -Name $name -Engine Redis
        try { Invoke-Cached { Step; 'genuine' } -Key 'k' -Context $unsigned | Should -Be 'forged' }
        finally { $unsigned.Dispose() }
        Invoke-RedisCommand $redis DEL $forgedKey | Out-Null
    }

    It 'a server down at start: New-CacheContext warns once, runs on memory and returns the results' {
        $env:TWATCACHE_REDIS = "127.0.0.1:$(Get-FreeTcpPort)"
        $ctx = New-CacheContext -Name $name -Engine Redis -WarningVariable w -WarningAction SilentlyContinue
        try {
            @($w).Count | Should -Be 1
            "$($w[0])" | Should -Match 'Redis'
            Invoke-Cached { Step; 'v' } -Context $ctx | Should -Be 'v'
            Invoke-Cached { Step; 'v' } -Context $ctx | Should -Be 'v'
            $global:TcRuns | Should -Be 1
            (Get-CacheStats -Context $name).Engine | Should -Be 'Memory'
        } finally { $ctx.Dispose() }
    }

    It 'a server stopped mid-run: one warning, memory from then on, results still returned' {
        $own = Start-TestRedis
        $env:TWATCACHE_REDIS = $own.ConnectionString
        $ctx = New-CacheContext -Name $name -Engine Redis
        try {
            Invoke-Cached { Step; 'before' } -Context $ctx | Should -Be 'before'
            (Get-CacheStats -Context $name).Engine | Should -Be 'Redis'
            Stop-TestRedis $own
            Invoke-Cached { Step; 'after' } -Context $ctx -WarningVariable w -WarningAction SilentlyContinue | Should -Be 'after'
            @($w).Count | Should -Be 1
            "$($w[0])" | Should -Match 'Redis'
            Invoke-Cached { Step; 'after' } -Context $ctx -WarningVariable w2 -WarningAction SilentlyContinue | Should -Be 'after'
            @($w2).Count | Should -Be 0
            $global:TcRuns | Should -Be 2
            (Get-CacheStats -Context $name).Engine | Should -Be 'Memory'
        } finally { $ctx.Dispose(); Stop-TestRedis $own }
    }
}
