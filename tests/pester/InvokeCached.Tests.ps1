BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'Invoke-Cached basics' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'runs the block once for two calls and returns the same output' {
        $a = Invoke-Cached { Step; 'value' }
        $b = Invoke-Cached { Step; 'value' }
        $a | Should -Be 'value'
        $b | Should -Be 'value'
        $global:TcRuns | Should -Be 1
    }

    It 'accepts -Ttl 1h and keeps the entry' {
        Invoke-Cached { Step; 1 } -Ttl 1h | Should -Be 1
        Invoke-Cached { Step; 1 } -Ttl 1h | Should -Be 1
        $global:TcRuns | Should -Be 1
    }

    It 'accepts TTL forms <ttl>' -ForEach @(
        @{ ttl = '30m' }, @{ ttl = '1h30m' }, @{ ttl = '00:05:00' }, @{ ttl = 90 }, @{ ttl = [timespan]::FromMinutes(2) }, @{ ttl = '500ms' }
    ) {
        { Invoke-Cached { 1 } -Ttl $ttl } | Should -Not -Throw
    }

    It 'binds the unquoted literals 2d, 90s and 1h30m as days, seconds and minutes' {
        # The same transformation attribute that -Ttl carries, on a probe parameter, so the binder's view is checked.
        function Get-BoundTtl { param([TwatCache.PowerShell.Binding.TtlTransformation()] [Nullable[timespan]] $T) $T }
        Get-BoundTtl -T 2d | Should -Be ([timespan]::FromDays(2))
        Get-BoundTtl -T 90s | Should -Be ([timespan]::FromSeconds(90))
        Get-BoundTtl -T 1h30m | Should -Be ([timespan]::FromMinutes(90))
        Get-BoundTtl -T 0.5d | Should -Be ([timespan]::FromHours(12))
    }

    It 'rejects the bad TTL <ttl> at parameter binding with a clear message' -ForEach @(
        @{ ttl = '1x' }, @{ ttl = '-5m' }, @{ ttl = 'soon' }, @{ ttl = 0 }
    ) {
        $err = $null
        try { Invoke-Cached { Step; 1 } -Ttl $ttl } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError*'
        $err.Exception.Message | Should -Match '90s'
        $global:TcRuns | Should -Be 0
    }

    It 'expires an entry after its TTL' {
        Invoke-Cached { Step; 'x' } -Ttl 300ms | Out-Null
        Start-Sleep -Milliseconds 600
        Invoke-Cached { Step; 'x' } -Ttl 300ms | Out-Null
        $global:TcRuns | Should -Be 2
    }

    It '-Refresh runs the block again and overwrites the entry' {
        Invoke-Cached { Step; "run $(Get-Runs)" } | Should -Be 'run 1'
        Invoke-Cached { Step; "run $(Get-Runs)" } -Refresh | Should -Be 'run 2'
        Invoke-Cached { Step; "run $(Get-Runs)" } | Should -Be 'run 2'
    }

    It 'TWATCACHE_DISABLE bypasses the cache' {
        $env:TWATCACHE_DISABLE = '1'
        try {
            Invoke-Cached { Step; 1 } | Out-Null
            Invoke-Cached { Step; 1 } | Out-Null
        } finally { Remove-Item Env:TWATCACHE_DISABLE }
        $global:TcRuns | Should -Be 2
    }
}

Describe 'Keys' {
    BeforeAll {
        # Sets each of -Values with $Set and calls $Block, which reads it: each call must return its own value
        # (a miss, not the last value). $Cleanup runs at the end either way.
        function Assert-EachValueRuns([scriptblock] $Block, [object[]] $Values, [scriptblock] $Set, [scriptblock] $Cleanup) {
            try { foreach ($v in $Values) { & $Set $v; Invoke-Cached $Block | Should -Be $v } } finally { & $Cleanup }
        }
    }
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'misses when a free variable changes: $x = 1 then $x = 2 gives 2 then 4' {
        $x = 1
        $first = Invoke-Cached { Step; $x * 2 }
        $x = 2
        $second = Invoke-Cached { Step; $x * 2 }
        $x = 1
        $third = Invoke-Cached { Step; $x * 2 }
        $first | Should -Be 2
        $second | Should -Be 4
        $third | Should -Be 2
        $global:TcRuns | Should -Be 2
    }

    It 'keys $script: and $global: reads' {
        Assert-EachValueRuns { Step; $global:TwatCacheTestValue } -Values 'g1', 'g2' -Set { $global:TwatCacheTestValue = $args[0] } -Cleanup { Remove-Variable TwatCacheTestValue -Scope Global }
        $global:TcRuns | Should -Be 2
    }

    It 'keys $env: reads' {
        Assert-EachValueRuns { Step; $env:TWATCACHE_TEST_VAR } -Values 'a', 'b' -Set { $env:TWATCACHE_TEST_VAR = $args[0] } -Cleanup { Remove-Item Env:TWATCACHE_TEST_VAR }
    }

    It 'keys variables read inside nested script blocks' {
        $n = 3
        Invoke-Cached { Step; 1..2 | ForEach-Object { $_ * $n } } | Should -Be 3, 6
        $n = 4
        Invoke-Cached { Step; 1..2 | ForEach-Object { $_ * $n } } | Should -Be 4, 8
        $global:TcRuns | Should -Be 2
    }

    It 'does not key variables the block assigns before reading' {
        $tmp = 'outer'
        Invoke-Cached { Step; $tmp = 5; $tmp } | Should -Be 5
        $tmp = 'changed'
        Invoke-Cached { Step; $tmp = 5; $tmp } | Should -Be 5
        $global:TcRuns | Should -Be 1
    }

    It 'keys -ArgumentList and binds it to param()' {
        Invoke-Cached { param($a, $b) Step; $a + $b } -ArgumentList 1, 2 | Should -Be 3
        Invoke-Cached { param($a, $b) Step; $a + $b } -ArgumentList 1, 2 | Should -Be 3
        Invoke-Cached { param($a, $b) Step; $a + $b } -ArgumentList 2, 2 | Should -Be 4
        $global:TcRuns | Should -Be 2
    }

    It 'keys hashtables by content, not by insertion order; an [ordered] dictionary is another input' {
        $h = @{ a = 1; b = 2 }
        Invoke-Cached { Step; $h.a } | Out-Null
        $h = @{ b = 2; a = 1 }
        Invoke-Cached { Step; $h.a } | Out-Null
        $global:TcRuns | Should -Be 1
        $h = [ordered]@{ a = 1; b = 2 }
        Invoke-Cached { Step; $h.a } | Out-Null
        $h = @{ a = 1; b = 3 }
        Invoke-Cached { Step; $h.a } | Out-Null
        $global:TcRuns | Should -Be 3
    }

    It '-Key shares one entry between two different blocks' {
        Invoke-Cached { Step; 'first' } -Key 'shared' | Should -Be 'first'
        Invoke-Cached { Step; 'second' } -Key 'shared' | Should -Be 'first'
        $global:TcRuns | Should -Be 1
    }

    It 'a different block text is a different entry' {
        Invoke-Cached { Step; 'a' } | Out-Null
        Invoke-Cached { Step;  'a' } | Out-Null
        $global:TcRuns | Should -Be 2
    }

    It 'an un-keyable variable is a terminating error that names it and suggests -Key' {
        $rs = [runspacefactory]::CreateRunspace()
        try {
            $err = $null
            try { Invoke-Cached { Step; $rs.Id } } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'TwatCache.Key*'
            $err.Exception.Message | Should -Match '\$rs'
            $err.Exception.Message | Should -Match '-Key'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $global:TcRuns | Should -Be 0
        } finally { $rs.Dispose() }
    }

    It '-Verbose says miss then hit and lists the variables in the key' {
        $v = 7
        $miss = Invoke-Cached { $v } -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $hit = Invoke-Cached { $v } -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($miss -join "`n") | Should -Match 'Cache miss [0-9a-f]{32}'
        ($miss -join "`n") | Should -Match 'variables: \$v'
        ($hit -join "`n") | Should -Match 'Cache hit [0-9a-f]{32}'
    }
}

Describe 'Pipelines and output replay' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'caches each pipeline item separately, with partial hits' {
        1, 2 | Invoke-Cached { Step; $_ * 10 } | Should -Be 10, 20
        1, 2, 3 | Invoke-Cached { Step; $_ * 10 } | Should -Be 10, 20, 30
        $global:TcRuns | Should -Be 3
    }

    It 'replays several outputs one by one so Select-Object -First 1 works on hits' {
        Invoke-Cached { Step; 1; 2; 3 } | Out-Null
        $first = Invoke-Cached { Step; 1; 2; 3 } | Select-Object -First 1
        $first | Should -Be 1
        @(Invoke-Cached { Step; 1; 2; 3 }).Count | Should -Be 3
        $global:TcRuns | Should -Be 1
    }

    It 'keeps an array written with the comma operator as one array' {
        $miss = Invoke-Cached { Step; , @(1, 2, 3) } -Engine Memory
        $hit = Invoke-Cached { Step; , @(1, 2, 3) } -Engine Memory
        $hit.Count | Should -Be 3
        @(Invoke-Cached { Step; , @(1, 2, 3) } -Engine Memory).Count | Should -Be 1
        $global:TcRuns | Should -Be 1
    }

    It 'replays objects from the LiteDb store as deserialized property bags' {
        Invoke-Cached { [pscustomobject]@{ Name = 'n'; Size = 5 } } -Engine LiteDb | Out-Null
        $o = Invoke-Cached { [pscustomobject]@{ Name = 'n'; Size = 5 } } -Engine LiteDb
        $o.Name | Should -Be 'n'
        $o.Size | Should -Be 5
    }

    It 'streams output on a miss as the block produces it' {
        $stamps = Invoke-Cached { 'a'; Start-Sleep -Milliseconds 400; 'b' } | ForEach-Object { [datetime]::UtcNow }
        ($stamps[1] - $stamps[0]).TotalMilliseconds | Should -BeGreaterThan 300
    }

    It 'with no pipeline input runs the block once' {
        Invoke-Cached { Step; 'once' } | Should -Be 'once'
        $global:TcRuns | Should -Be 1
    }
}

Describe 'Errors and empty results' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'under ErrorAction Stop a non-terminating error ends the block and nothing is stored' {
        $ErrorActionPreference = 'Stop'
        { Invoke-Cached { Step; Write-Error 'hard'; 'never' } } | Should -Throw 'hard'
        { Invoke-Cached { Step; Write-Error 'hard'; 'never' } } | Should -Throw 'hard'
        $global:TcRuns | Should -Be 2
    }

    It 'a block that throws propagates the error and stores nothing' {
        { Invoke-Cached { Step; throw 'boom' } } | Should -Throw 'boom'
        { Invoke-Cached { Step; throw 'boom' } } | Should -Throw 'boom'
        $global:TcRuns | Should -Be 2
    }

    It 'non-terminating errors reach the caller and the result is not cached' {
        $ErrorActionPreference = 'Continue'  # Pester runs tests under Stop, which makes Write-Error terminate
        $errs = $null
        Invoke-Cached { Step; Write-Error 'soft'; 'out' } -ErrorVariable errs -ErrorAction SilentlyContinue | Should -Be 'out'
        $errs.Count | Should -Be 1
        "$($errs[0])" | Should -Be 'soft'
        Invoke-Cached { Step; Write-Error 'soft'; 'out' } -ErrorAction SilentlyContinue | Out-Null
        $global:TcRuns | Should -Be 2
    }

    It '-CacheOnError stores a result that wrote errors' {
        $ErrorActionPreference = 'Continue'
        Invoke-Cached { Step; Write-Error 'soft'; 'out' } -CacheOnError -ErrorAction SilentlyContinue | Out-Null
        Invoke-Cached { Step; Write-Error 'soft'; 'out' } -CacheOnError -ErrorAction SilentlyContinue | Should -Be 'out'
        $global:TcRuns | Should -Be 1
    }

    It 'empty output is not cached unless -CacheEmpty' {
        Invoke-Cached { Step } | Out-Null
        Invoke-Cached { Step } | Out-Null
        $global:TcRuns | Should -Be 2
        Invoke-Cached { Step } -CacheEmpty | Out-Null
        Invoke-Cached { Step } -CacheEmpty | Out-Null
        $global:TcRuns | Should -Be 3
    }

    It 'runs the block in a child scope that sees the caller''s variables and functions' {
        function Get-Double($n) { $n * 2 }
        $base = 21
        Invoke-Cached { $local = Get-Double $base; $local } | Should -Be 42
        Test-Path variable:local | Should -BeFalse
    }
}

Describe 'Across processes' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a second pwsh process hits the first one''s LiteDb entry' {
        $first = Invoke-ChildPwsh -Script "Invoke-Cached { 'made by ' + [Environment]::ProcessId } -Ttl 1h"
        $second = Invoke-ChildPwsh -Script "Invoke-Cached { 'made by ' + [Environment]::ProcessId } -Ttl 1h; (Get-CacheStats).Hits"
        @($second)[0] | Should -Be @($first)[0]
        @($second)[1] | Should -Be 1
    }
}

Describe 'Streams' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'passes warnings and information through live on a miss and does not replay them on a hit' {
        $w1 = $null; $i1 = $null; $w2 = $null; $i2 = $null
        Invoke-Cached { Write-Warning 'careful'; Write-Information 'fyi'; 'out' } -WarningVariable w1 -InformationVariable i1 -WarningAction SilentlyContinue | Should -Be 'out'
        Invoke-Cached { Write-Warning 'careful'; Write-Information 'fyi'; 'out' } -WarningVariable w2 -InformationVariable i2 -WarningAction SilentlyContinue | Should -Be 'out'
        "$w1" | Should -Be 'careful'
        "$i1" | Should -Be 'fyi'
        $w2.Count | Should -Be 0
        $i2.Count | Should -Be 0
    }

    It 'does not store stream records as output' {
        Invoke-Cached { Write-Verbose 'v' -Verbose; 'only' } 4>$null | Out-Null
        @(Invoke-Cached { Write-Verbose 'v' -Verbose; 'only' } 4>$null) | Should -Be @('only')
    }
}

Describe 'Key values from PowerShell objects' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'keys PSCustomObjects by their properties' {
        $o = [pscustomobject]@{ Name = 'a'; N = 1 }
        Invoke-Cached { Step; $o.Name } | Out-Null
        $o = [pscustomobject]@{ Name = 'a'; N = 1 }
        Invoke-Cached { Step; $o.Name } | Out-Null
        $o.N = 2
        Invoke-Cached { Step; $o.Name } | Out-Null
        $global:TcRuns | Should -Be 2
    }

    It 'keys files by path, length and write time: an edited file misses' {
        $f = Join-Path $root 'input.txt'
        New-Item -ItemType Directory $root -Force | Out-Null
        Set-Content $f 'one'
        Get-Item $f | Invoke-Cached { Step; (Get-Content $_.FullName) } | Should -Be 'one'
        Get-Item $f | Invoke-Cached { Step; (Get-Content $_.FullName) } | Should -Be 'one'
        Set-Content $f 'two, longer'
        Get-Item $f | Invoke-Cached { Step; (Get-Content $_.FullName) } | Should -Be 'two, longer'
        $global:TcRuns | Should -Be 2
    }

    It 'keys credentials without storing them and misses when the password changes' {
        # Distinctive passwords: two-letter ones turn up by chance in a binary store file.
        $c1 = [pscredential]::new('u', (ConvertTo-SecureString 'first-Pa55word' -AsPlainText -Force))
        $c2 = [pscredential]::new('u', (ConvertTo-SecureString 'second-Pa55word' -AsPlainText -Force))
        $cred = $c1; Invoke-Cached { Step; $cred.UserName } | Out-Null
        $cred = $c1; Invoke-Cached { Step; $cred.UserName } | Out-Null
        $cred = $c2; Invoke-Cached { Step; $cred.UserName } | Out-Null
        $global:TcRuns | Should -Be 2
        # While a LiteDb session is open (until 2 ms after the last call) its lease file is locked, and LiteDB's
        # log file goes away when the session closes (its pages move into the data file): scan again, after
        # a pause, until one whole scan read every file it listed.
        $text = $null
        for ($scan = 0; $scan -lt 50 -and $null -eq $text; $scan++) {
            Start-Sleep -Milliseconds 20
            try { $text = @(Get-ChildItem $root -Recurse -File | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }) }
            catch { if ($_.Exception -is [IO.IOException] -or $_.Exception.InnerException -is [IO.IOException]) { $text = $null } else { throw } }
        }
        $text | Should -Not -BeNullOrEmpty
        $text | Should -Not -Match 'first-Pa55word|second-Pa55word'
    }
}

Describe 'Concurrency and interruption' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It '8 parallel runspaces on one key run the block once and all get its result' {
        $log = Join-Path ([IO.Path]::GetTempPath()) ("tc-runs-" + [guid]::NewGuid().ToString('N'))
        try {
            $results = 1..8 | ForEach-Object -ThrottleLimit 8 -Parallel {
                Import-Module $using:ModulePath
                Invoke-Cached { Add-Content -Path $using:log -Value 'ran'; Start-Sleep -Milliseconds 500; [guid]::NewGuid().ToString() } -Key 'one-key' -Engine Memory
            }
            @($results).Count | Should -Be 8
            @($results | Sort-Object -Unique).Count | Should -Be 1
            @(Get-Content $log).Count | Should -Be 1
        } finally { Remove-Item $log -ErrorAction SilentlyContinue }
    }

    It 'a waiter whose producer fails runs the block itself' {
        $flag = Join-Path ([IO.Path]::GetTempPath()) ("tc-flag-" + [guid]::NewGuid().ToString('N'))
        try {
            $results = 1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
                Import-Module $using:ModulePath
                if ($_ -eq 2) { Start-Sleep -Milliseconds 200 }
                try {
                    Invoke-Cached {
                        # The first runner fails; whoever runs next succeeds.
                        if (-not (Test-Path $using:flag)) { New-Item $using:flag | Out-Null; Start-Sleep -Milliseconds 600; throw 'producer failed' }
                        'recovered'
                    } -Key 'fragile' -Engine Memory
                } catch { "error: $_" }
            }
            $results | Sort-Object | Should -Be @('error: producer failed', 'recovered')
        } finally { Remove-Item $flag -ErrorAction SilentlyContinue }
    }

    It 'a stopped call (Ctrl+C) stores nothing and releases the key' {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModulePath'; `$env:TWATCACHE_ROOT = '$root'; Invoke-Cached { 'partial'; Start-Sleep -Seconds 30; 'end' } -Key 'stopme' -Engine Memory")
            $handle = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(20)
            while ($ps.InvocationStateInfo.State -ne 'Running' -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 800
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # Same process, same default Memory context: the key is free and holds nothing.
            Invoke-Cached { 'fresh' } -Key 'stopme' -Engine Memory | Should -Be 'fresh'
        } finally { $ps.Dispose() }
    }
}
