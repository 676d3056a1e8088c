# Engines across real pwsh processes: single flight, corruption, permissions, large values, kill -9.
BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'Engines across processes' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'four processes missing one key at once compute it once and all get the value' {
        $log = Join-Path ([IO.Path]::GetTempPath()) ("tc-runs-" + [guid]::NewGuid().ToString('N'))
        $go = "$log.go"
        $children = 1..4 | ForEach-Object {
            Invoke-ChildPwsh -NoWait @"
New-Item -ItemType File '$log.ready$_' | Out-Null
while (-not (Test-Path '$go')) { Start-Sleep -Milliseconds 20 }
`$v = Invoke-Cached { Add-Content -Path '$log' -Value `$PID; Start-Sleep -Seconds 2; 'shared value' } -Key 'one-key' -WarningVariable w
"`$v; warnings: `$w"
"@
        }
        try {
            $deadline = (Get-Date).AddSeconds(90)
            while (@(Get-ChildItem "$log.ready*" -ErrorAction SilentlyContinue).Count -lt 4) {
                if ((Get-Date) -gt $deadline) { throw 'children did not start' }
                Start-Sleep -Milliseconds 50
            }
            New-Item -ItemType File $go | Out-Null
            $results = foreach ($c in $children) { (Wait-ChildPwsh $c -TimeoutSeconds 120 -AssertSuccess).Output }
            $results | Should -Be @('shared value; warnings: ', 'shared value; warnings: ', 'shared value; warnings: ', 'shared value; warnings: ')
            @(Get-Content $log).Count | Should -Be 1
        }
        finally {
            Remove-Item "$log*" -Force -ErrorAction SilentlyContinue
        }
    }

    It 'survives a corrupt LiteDB store: one warning, the store moved aside, the right value' {
        New-Item -ItemType Directory $root | Out-Null
        $garbage = [byte[]]::new(64KB); [Random]::new(3).NextBytes($garbage)
        [IO.File]::WriteAllBytes((Join-Path $root 'default.tcdb'), $garbage)
        $out = Invoke-ChildPwsh @'
$r = Invoke-Cached { 6 * 7 } -Key 'answer' -WarningVariable w -WarningAction SilentlyContinue
"value=$r"
"warnings=$($w.Count)"
$w | ForEach-Object { "warning=$_" }
$r2 = Invoke-Cached { throw 'must not run' } -Key 'answer' -WarningVariable w2 -WarningAction SilentlyContinue
"second=$r2 warnings2=$($w2.Count)"
'@
        $out | Should -Contain 'value=42'
        $out | Should -Contain 'warnings=1'
        ($out | Where-Object { $_ -like 'warning=*' }) | Should -BeLike '*damaged*corrupt-*'
        $out | Should -Contain 'second=42 warnings2=0'
        @(Get-ChildItem $root -Filter 'default.tcdb.corrupt-*').Count | Should -Be 1
        # The recreated store serves the next process.
        Invoke-ChildPwsh '$v = Invoke-Cached { throw "must not run" } -Key answer -WarningVariable w; "hit=$v warnings=$($w.Count)"' |
            Should -Contain 'hit=42 warnings=0'
    }

    It 'makes the root and its directories 0700 and its files 0600 (stat)' {
        Invoke-ChildPwsh @'
Invoke-Cached { 'small' } | Out-Null
Invoke-Cached { [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(60KB)) } | Out-Null
'@ | Out-Null
        & stat -c '%a' $root | Should -Be '700'
        $dirs = @(Get-ChildItem $root -Recurse -Directory)
        $files = @(Get-ChildItem $root -Recurse -File)
        $dirs.Count | Should -BeGreaterThan 1
        $files.Name | Should -Contain 'default.tcdb'
        $files.Name | Should -Contain 'secret.key'
        $files.Name | Should -Contain 'data'
        foreach ($d in $dirs) { "$($d.Name) $(& stat -c '%a' $d.FullName)" | Should -Be "$($d.Name) 700" }
        foreach ($f in $files) { "$($f.Name) $(& stat -c '%a' $f.FullName)" | Should -Be "$($f.Name) 600" }
    }

    It 'refuses a world-writable root with TwatCache.Path and says how to fix it' {
        New-Item -ItemType Directory $root | Out-Null
        & chmod 777 $root
        $err = $null
        try { Invoke-Cached { Step; 1 } } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'TwatCache.Path*'
        $err.Exception.Message | Should -Match 'chmod 700'
        $global:TcRuns | Should -Be 0
    }

    It 'round-trips a 5 MB value through the File engine across processes' {
        $write = @'
$env:TWATCACHE_ENGINE = 'File'
$bytes = [byte[]]::new(3932160); [Random]::new(11).NextBytes($bytes)
$v = Invoke-Cached { [Convert]::ToBase64String($bytes) } -Key 'five-mb'
"written=$($v.Length)"
'@
        $read = @'
$env:TWATCACHE_ENGINE = 'File'
$v = Invoke-Cached { throw 'the block must not run on a hit' } -Key 'five-mb'
$bytes = [byte[]]::new(3932160); [Random]::new(11).NextBytes($bytes)
"read=$($v.Length) same=$($v -ceq [Convert]::ToBase64String($bytes))"
'@
        Invoke-ChildPwsh $write | Should -Contain 'written=5242880'
        Invoke-ChildPwsh $read | Should -Contain 'read=5242880 same=True'
        $data = @(Get-ChildItem (Join-Path $root 'default.files') -Recurse -File -Filter data)
        $data.Count | Should -Be 1
        $data[0].Length | Should -BeGreaterThan 3MB
    }

    It 'loses no acknowledged entry when a writer is killed with -9 (<engine>)' -ForEach @(@{ engine = 'Auto' }, @{ engine = 'File' }) {
        $writer = Invoke-ChildPwsh -NoWait -Environment @{ TWATCACHE_ENGINE = $engine } -StreamOutput @'
for ($i = 0; $i -lt 100000; $i++) {
    Invoke-Cached { "value $i" } -Key "k$i" | Out-Null
    [Console]::Out.WriteLine("ack $i"); [Console]::Out.Flush()
}
'@
        $acked = [Collections.Generic.List[int]]::new()
        $problem = $null
        $deadline = (Get-Date).AddSeconds(90)
        while ($acked.Count -lt 40) {
            if ((Get-Date) -gt $deadline) { $problem = "writer acknowledged only $($acked.Count) entries"; break }
            $line = $writer.Process.StandardOutput.ReadLine()
            if ($null -eq $line) { $problem = 'writer ended early'; break }
            if ($line -match '^ack (\d+)$') { $acked.Add([int]$Matches[1]) }
        }
        # SIGKILL; lines already written before the kill are acknowledgements too.
        $killed = Stop-ChildPwsh $writer
        if ($problem) { throw "${problem}: $($killed.Error)" }
        foreach ($line in $killed.Output) { if ($line -match '^ack (\d+)$') { $acked.Add([int]$Matches[1]) } }
        $last = $acked[-1]
        $check = Invoke-ChildPwsh @"
`$env:TWATCACHE_ENGINE = '$engine'
`$missing = 0
for (`$i = 0; `$i -le $last; `$i++) {
    `$v = Invoke-Cached { 'MISSING' } -Key "k`$i" -Ttl 1s
    if (`$v -ne "value `$i") { `$missing++ }
}
"checked=$($last + 1) missing=`$missing"
"@
        $check | Should -Contain "checked=$($last + 1) missing=0"
    }
}
