# Exact eviction order through the cmdlets (issue 15 item 3): -MaxEntries 3 -Policy LRU, calls 1, 2, 3, 1, 4
# with no pause, then 1 and 2: 2 was the victim, so only the last call runs the block. On every engine.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    $script:redis = Start-TestRedis
}

AfterAll { Stop-TestRedis $script:redis }

Describe 'Eviction order on the <engine> engine' -ForEach @(@{ engine = 'Memory' }, @{ engine = 'LiteDb' }, @{ engine = 'File' }, @{ engine = 'Auto' }, @{ engine = 'Redis' }) {
    BeforeEach {
        $root = New-TestCacheRoot
        # Temporary on Redis: the server outlives the test, so the context's keys go with it.
        $ctx = New-TestContext $engine -Prefix evict -Redis $redis -Options @{ MaxEntries = 3; Policy = 'LRU'; Temporary = $engine -eq 'Redis' }
    }
    AfterEach {
        $ctx.Dispose()
        Remove-TestCacheRoot $root
    }

    It 'LRU: after 1, 2, 3, 1, 4 the victim is 2, in each of 100 repetitions' {
        $wrong = [Collections.Generic.List[string]]::new()
        foreach ($r in 1..100) {
            $before = $global:TcRuns
            foreach ($n in 1, 2, 3, 1, 4, 1) { $null = Invoke-Cached { Step; "v$n" } -Key "r$r-$n" -Context $ctx }
            # 1, 2, 3 and 4 ran; the second and third 1 were hits.
            if ($global:TcRuns - $before -ne 4) { $wrong.Add("repetition ${r}: 1 was evicted"); continue }
            $null = Invoke-Cached { Step; 'v2' } -Key "r$r-2" -Context $ctx
            if ($global:TcRuns - $before -ne 5) { $wrong.Add("repetition ${r}: 2 was still cached") }
        }
        $wrong | Should -BeNullOrEmpty
    }
}
