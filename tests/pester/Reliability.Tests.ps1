# Load and crash suites with real pwsh processes. Sized for CI (each case well under a minute on
# 2 cores); TWATCACHE_LONG=1 runs them longer by hand.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Long = $env:TWATCACHE_LONG -eq '1'
}

Describe 'Load: many processes on overlapping keys' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It '<procs> processes x <calls> calls on <keys> keys with <engine>: each key computed once, every value right, no errors' -ForEach @(
        @{ procs = 4; calls = 150; keys = 40; engine = 'LiteDb' }
        @{ procs = 8; calls = 100; keys = 40; engine = 'LiteDb' }
        @{ procs = 4; calls = 150; keys = 40; engine = 'File' }
    ) {
        if ($Long) { $calls *= 10 }
        $logs = Join-Path $root 'logs'
        New-Item -ItemType Directory $logs -Force | Out-Null
        $workers = foreach ($p in 1..$procs) {
            Invoke-ChildPwsh -NoWait -Root $root @"
`$log = Join-Path '$logs' "worker-$p.log"
`$bad = 0
foreach (`$i in 1..$calls) {
    `$k = (`$i * 7 + $p) % $keys
    `$v = Invoke-Cached { [IO.File]::AppendAllText(`$log, "`$k``n"); "value-`$k" } -Key "key-`$k" -Engine $engine
    if (`$v -ne "value-`$k") { `$bad++ }
}
"bad=`$bad"
"@
        }
        foreach ($w in $workers | Wait-ChildPwsh) {
            $w.ExitCode | Should -Be 0 -Because $w.Error
            $w.Error | Should -BeNullOrEmpty
            $w.Output -join "`n" | Should -Be 'bad=0' -Because ($w.Output -join "`n")
        }
        $computed = Get-ChildItem $logs -Filter *.log | Get-Content | Group-Object
        # Every key touched was computed exactly once across all processes.
        @($computed | Where-Object Count -ne 1) | Should -BeNullOrEmpty
        $computed.Count | Should -BeLessOrEqual $keys
        Write-Host "    load suite ($engine): $($procs * $calls) calls from $procs processes, $($computed.Count) keys each computed once"
    }
}

Describe 'Crash: a writer killed with SIGKILL loses no acknowledged entry' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'kills a LiteDb writer <rounds> times at random moments; a fresh process reads every acknowledged entry' -ForEach @(@{ rounds = 3 }) {
        if ($Long) { $rounds = 20 }
        $rng = [Random]::new(42)
        $acked = [Collections.Generic.List[string]]::new()
        foreach ($r in 1..$rounds) {
            $w = Invoke-ChildPwsh -NoWait -Root $root -StreamOutput @"
foreach (`$i in 1..100000) {
    `$null = Invoke-Cached { "payload-$r-`$i-" + ('x' * (`$i % 500)) } -Key "crash-$r-`$i" -Engine LiteDb
    [Console]::Out.WriteLine("ack $r `$i"); [Console]::Out.Flush()
}
"@
            # Wait for the first acknowledged write (pwsh start-up varies), then kill at a random moment.
            $first = $w.Process.StandardOutput.ReadLine()
            if ($first -notmatch '^ack ') { throw "The writer did not start: $first $((Stop-ChildPwsh $w).Error)" }
            Start-Sleep -Milliseconds (200 + $rng.Next(0, 1500))
            $killed = Stop-ChildPwsh $w
            $lines = @($first) + $killed.Output | Where-Object { $_ -match '^ack ' }
            foreach ($line in $lines) { $acked.Add($line.Trim()) }
        }
        $acked.Count | Should -BeGreaterThan 0
        $list = Join-Path $root 'acked.txt'
        $acked | Set-Content $list
        $check = Invoke-ChildPwsh -Root $root -Script @"
`$missing = 0
foreach (`$line in Get-Content '$list') {
    `$null, `$r, `$i = `$line -split ' '
    `$expected = "payload-`$r-`$i-" + ('x' * ([int]`$i % 500))
    `$v = Invoke-Cached { 'RECOMPUTED' } -Key "crash-`$r-`$i" -Engine LiteDb
    if (`$v -ne `$expected) { `$missing++ }
}
`$null = Invoke-Cached { 'after' } -Key 'write-after-crash' -Engine LiteDb
"missing=`$missing"
"@
        @($check)[-1] | Should -Be 'missing=0'
        Write-Host "    crash suite: $($acked.Count) acknowledged writes over $rounds SIGKILLs, all read back"
    }
}
