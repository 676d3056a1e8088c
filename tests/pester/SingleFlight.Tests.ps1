# Single flight from the first call (issue 15 item 2): four fresh pwsh processes on a brand-new cache root
# call one -Key with a 2-second block at once; the block runs exactly once and nobody warns. Each round
# has a root of its own. 20 rounds (TWATCACHE_LONG=1: 60).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Start-Caller([string] $Root, [string] $Log, [string] $Go, [int] $Index) {
        Invoke-ChildPwsh -NoWait -Root $Root @"
New-Item -ItemType File '$Log.ready$Index' | Out-Null
while (-not (Test-Path '$Go')) { Start-Sleep -Milliseconds 5 }
`$v = Invoke-Cached { Add-Content -Path '$Log' -Value `$PID; Start-Sleep -Seconds 2; 'shared value' } -Key 'one-key' -WarningVariable w
"`$v; warnings: `$(`$w.Count)"
"@
    }
}

Describe 'Single flight on a brand-new store' {
    It 'four new processes on a new root run a 2-second block once, in each of <rounds> rounds' -ForEach @(@{ rounds = 20 }) {
        if ($env:TWATCACHE_LONG -eq '1') { $rounds = 60 }
        $bad = [Collections.Generic.List[string]]::new()
        foreach ($round in 1..$rounds) {
            $root = Join-Path ([IO.Path]::GetTempPath()) ('twatcache-sf-' + [guid]::NewGuid().ToString('N'))
            $log = "$root.runs"
            $go = "$root.go"
            try {
                $callers = foreach ($i in 1..4) { Start-Caller $root $log $go $i }
                $deadline = [DateTime]::UtcNow.AddSeconds(90)
                while (@(Get-ChildItem "$log.ready*" -ErrorAction SilentlyContinue).Count -lt 4) {
                    if ([DateTime]::UtcNow -gt $deadline) { throw 'the callers did not start' }
                    Start-Sleep -Milliseconds 20
                }
                New-Item -ItemType File $go | Out-Null
                $outputs = foreach ($c in $callers | Wait-ChildPwsh -TimeoutSeconds 120) {
                    $c.ExitCode | Should -Be 0 -Because $c.Error
                    $c.Output -join "`n"
                }
                $runs = @(Get-Content $log).Count
                $expected = @('shared value; warnings: 0') * 4
                if ($runs -ne 1 -or (Compare-Object $outputs $expected)) { $bad.Add("round ${round}: $runs run(s), outputs: $($outputs -join ' | ')") }
            }
            finally {
                Remove-Item $root -Recurse -Force -ErrorAction SilentlyContinue
                Remove-Item "$root.*" -Force -ErrorAction SilentlyContinue
            }
        }
        $bad | Should -BeNullOrEmpty
        Write-Host "    single flight on new stores: $rounds rounds x 4 processes, the block ran once in each"
    }
}
