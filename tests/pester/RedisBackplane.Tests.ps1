# The backplane of memory layers over Redis across real processes: a long-running pwsh (host A) keeps an entry
# in its memory layer while other pwsh processes (host B) refresh, remove or clear it through the same Redis
# context, over a real Redis-protocol server (Garnet by default, redis-server with TWATCACHE_TEST_REDIS).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    $script:redis = Start-TestRedis

    # Host A: opens the context once, then per command file cmd-<n> calls Invoke-Cached until it returns the
    # value the file names (or 60 s pass) and prints "<n>|<value>|<calls>|<warnings>". Its block reads the source
    # of truth, so a miss returns the current truth and a stale memory copy returns the old one.
    function Start-HostA([string] $Name, [string] $Dir, [string] $ConnectionString, [switch] $NoBackplane) {
        $off = if ($NoBackplane) { '-NoBackplane' } else { '' }
        $script = @"
`$ctx = New-CacheContext -Name '$Name' -Engine Auto -ConnectionString '$ConnectionString' $off
`$source = Join-Path '$Dir' 'source'
for (`$n = 0; ; `$n++) {
    `$cmd = Join-Path '$Dir' "cmd-`$n"
    while (-not (Test-Path `$cmd)) { Start-Sleep -Milliseconds 20 }
    `$want = (Get-Content `$cmd -Raw).Trim()
    if (`$want -eq 'exit') { break }
    `$deadline = [DateTime]::UtcNow.AddSeconds(60); `$calls = 0; `$warnings = @()
    do {
        `$got = Invoke-Cached { (Get-Content `$source -Raw).Trim() } -Key item -Tag inventory -Context `$ctx -WarningVariable w -WarningAction SilentlyContinue
        `$warnings += `$w; `$calls++
        if (`$got -ne `$want -and `$want -ne 'once') { Start-Sleep -Milliseconds 20 }
    } until (`$got -eq `$want -or `$want -eq 'once' -or [DateTime]::UtcNow -gt `$deadline)
    [Console]::Out.WriteLine("`$n|`$got|`$calls|`$(`$warnings -join ' ')")
}
"@
        Invoke-ChildPwsh -Script $script -NoWait -StreamOutput
    }

    # Writes host A's next command whole (written aside, then renamed), so A never reads a half-written file.
    function Write-HostACommand($HostA, [string] $Dir, [string] $Text) {
        $path = Join-Path $Dir "cmd-$($HostA.Next)"
        Set-Content -Path "$path.tmp" -Value $Text
        Move-Item -Path "$path.tmp" -Destination $path
        $HostA.Next++
    }

    # Sends host A its next command and returns its answer as an object.
    function Send-HostA($HostA, [string] $Dir, [string] $Want) {
        Write-HostACommand $HostA $Dir $Want
        $read = $HostA.Child.Process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait(120000)) { throw "Host A did not answer '$Want'." }
        if ($null -eq $read.Result) { throw "Host A exited: $($HostA.Child.Err.GetAwaiter().GetResult())" }
        $parts = $read.Result -split '\|', 4
        [pscustomobject]@{ Value = $parts[1]; Calls = [int]$parts[2]; Warnings = $parts[3] }
    }

    # Host B: a fresh pwsh that changes the truth and then acts through the same context.
    function Invoke-HostB([string] $Name, [string] $Dir, [string] $ConnectionString, [string] $Truth, [string] $Action) {
        Set-Content -Path (Join-Path $Dir 'source') -Value $Truth
        Invoke-ChildPwsh -Script "`$ctx = New-CacheContext -Name '$Name' -Engine Auto -ConnectionString '$ConnectionString'; $Action" | Out-Null
    }
}

AfterAll {
    Stop-TestRedis $script:redis
}

Describe 'Redis backplane between pwsh processes' {
    BeforeEach {
        $root = New-TestCacheRoot
        $dir = Join-Path $root 'hosts'
        New-Item -ItemType Directory -Path $dir | Out-Null
        $name = 'bp-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
        Set-Content -Path (Join-Path $dir 'source') -Value 'v1'
    }
    AfterEach {
        if ($hostA) {
            Write-HostACommand $hostA $dir 'exit'
            Wait-ChildPwsh $hostA.Child -TimeoutSeconds 60 | Out-Null
            $hostA = $null
        }
        Invoke-RedisCommand $redis EVAL "for _,k in ipairs(redis.call('keys', ARGV[1])) do redis.call('del', k) end" 0 "twatcache*:$name*" | Out-Null
        Remove-TestCacheRoot $root
    }

    It 'host A returns the new truth after host B <what>' -ForEach @(
        @{ what = 'refreshes the entry'; action = "Invoke-Cached { 'v2' } -Key item -Tag inventory -Context `$ctx -Refresh | Out-Null" }
        @{ what = 'removes it by key'; action = 'Clear-Cache -Key item -Context $ctx' }
        @{ what = 'removes it by tag'; action = 'Clear-Cache -Tag inventory -Context $ctx' }
        @{ what = 'clears the context'; action = 'Clear-Cache -Context $ctx' }
    ) {
        $hostA = [pscustomobject]@{ Child = Start-HostA $name $dir $redis.ConnectionString; Next = 0 }
        (Send-HostA $hostA $dir 'v1').Value | Should -Be 'v1'
        # A's memory layer now answers without reading Redis or the source.
        Set-Content -Path (Join-Path $dir 'source') -Value 'not read'
        (Send-HostA $hostA $dir 'once').Value | Should -Be 'v1'
        Invoke-HostB $name $dir $redis.ConnectionString 'v2' $action
        $answer = Send-HostA $hostA $dir 'v2'
        $answer.Value | Should -Be 'v2'
        $answer.Warnings | Should -BeNullOrEmpty
    }

    It 'with -NoBackplane host A keeps its memory copy after host B removes the entry' {
        $hostA = [pscustomobject]@{ Child = Start-HostA $name $dir $redis.ConnectionString -NoBackplane; Next = 0 }
        (Send-HostA $hostA $dir 'v1').Value | Should -Be 'v1'
        Invoke-HostB $name $dir $redis.ConnectionString 'v2' 'Clear-Cache -Key item -Context $ctx'
        # A host with the backplane sees the change: the removal happened and was published ...
        $withBackplane = Invoke-ChildPwsh -Script "`$ctx = New-CacheContext -Name '$name' -Engine Auto -ConnectionString '$($redis.ConnectionString)'; Invoke-Cached { 'from the source' } -Key item -Tag inventory -Context `$ctx"
        $withBackplane | Should -Be 'from the source'
        # ... yet A, without it, still answers from memory.
        (Send-HostA $hostA $dir 'once').Value | Should -Be 'v1'
    }

    It 'a server restart makes host A clear its memory layer and warn once' {
        $own = Start-TestRedis
        try {
            $hostA = [pscustomobject]@{ Child = Start-HostA $name $dir $own.ConnectionString; Next = 0 }
            (Send-HostA $hostA $dir 'v1').Value | Should -Be 'v1'
            Set-Content -Path (Join-Path $dir 'source') -Value 'v2'
            $port = $own.Port
            Stop-TestRedis $own
            $own = Start-TestRedis -Port $port
            $answer = Send-HostA $hostA $dir 'v2'
            $answer.Value | Should -Be 'v2'
            $answer.Warnings | Should -Match 'invalidation channel was lost and is back; the memory layer was cleared'
            ([regex]::Matches($answer.Warnings, 'memory layer was cleared')).Count | Should -Be 1
            (Send-HostA $hostA $dir 'once').Warnings | Should -BeNullOrEmpty
        }
        finally {
            if ($hostA) {
                Write-HostACommand $hostA $dir 'exit'
                Wait-ChildPwsh $hostA.Child -TimeoutSeconds 60 | Out-Null
                $hostA = $null
            }
            Stop-TestRedis $own
        }
    }
}
