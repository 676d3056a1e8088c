# Resource faults: a root that is a file, a read-only file system, a full disk, a 200 MB result.
# Each call must return the block's result; the cache warns once and falls back, never fails the script.
# The mount cases run in a child pwsh with a private mount namespace (Linux `unshare`): as root a mount
# namespace; as any other user a user namespace too (--map-root-user), so no root is needed. The mounts
# vanish with the child.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')

    function Invoke-InMountNamespace([Parameter(Mandatory)] [string] $Script) {
        $unshare = (Get-Command unshare -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        if (-not $unshare) { throw 'This case mounts a file system: it needs Linux mount namespaces (unshare, from util-linux).' }
        # TWATCACHE_TEST_USERNS=1 takes the unprivileged path even as root (to check it).
        [string[]] $ns = if ((id -u) -eq '0' -and $env:TWATCACHE_TEST_USERNS -ne '1') { '--mount' } else { '--user', '--map-root-user', '--mount' }
        $helpers = "function Step { `$global:TcRuns++ }`n" +
            "function Mount-Or-Throw { & mount @args; if (`$LASTEXITCODE -ne 0) { throw `"mount `$args failed (`$LASTEXITCODE)`" } }"
        Invoke-ChildPwsh -Launcher (@($unshare) + $ns) "$helpers`n$Script"
    }
}

Describe 'Resource faults' {
    BeforeEach { $base = New-TestCacheRoot; New-Item -ItemType Directory $base -Force | Out-Null }
    AfterEach { Remove-TestCacheRoot $base }

    It 'a root that is a file: one warning, memory only, the result returned and cached in memory' {
        $file = Join-Path $base 'not-a-dir'
        Set-Content $file 'x'
        $env:TWATCACHE_ROOT = $file
        $w = $null
        Invoke-Cached { Step; 'value' } -WarningVariable w -WarningAction SilentlyContinue | Should -Be 'value'
        @($w).Count | Should -Be 1
        "$w" | Should -Match 'is a file'
        Invoke-Cached { Step; 'value' } | Should -Be 'value'
        $global:TcRuns | Should -Be 1
        Get-Content $file | Should -Be 'x'
    }

    It 'a read-only file system: one warning, the result returned' {
        $ro = Join-Path $base 'ro'
        New-Item -ItemType Directory $ro | Out-Null
        $out = Invoke-InMountNamespace @"
Mount-Or-Throw --bind '$ro' '$ro'; Mount-Or-Throw -o 'remount,ro,bind' '$ro'
`$env:TWATCACHE_ROOT = Join-Path '$ro' 'cache'
`$w = `$null
`$first = Invoke-Cached { Step; 'ro-value' } -WarningVariable w -WarningAction SilentlyContinue
`$second = Invoke-Cached { Step; 'ro-value' }
"first=`$first"; "second=`$second"; "warnings=`$(@(`$w).Count)"; "runs=`$global:TcRuns"
"@
        $out | Should -Contain 'first=ro-value'
        $out | Should -Contain 'second=ro-value'
        $out | Should -Contain 'warnings=1'
        $out | Should -Contain 'runs=1'
    }

    It 'a full disk: the write fails with one warning, the result is returned, later calls still work' {
        $tiny = Join-Path $base 'tiny'
        New-Item -ItemType Directory $tiny | Out-Null
        $out = Invoke-InMountNamespace @"
Mount-Or-Throw -t tmpfs -o size=2m tmpfs '$tiny'
`$env:TWATCACHE_ROOT = Join-Path '$tiny' 'cache'
`$w = `$null
`$big = Invoke-Cached { [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(3MB)) } -Key big -WarningVariable w -WarningAction SilentlyContinue
"length=`$(`$big.Length)"; "warnings=`$(@(`$w).Count)"; "warning=`$w"
`$a = Invoke-Cached { Step; 'small' } -Key small
`$b = Invoke-Cached { Step; 'small' } -Key small
"small=`$a,`$b"; "runs=`$global:TcRuns"
"@
        $out | Should -Contain 'length=4194304'
        $out | Should -Contain 'warnings=1'
        ($out | Where-Object { $_ -like 'warning=*' }) | Should -Match 'No space left'
        $out | Should -Contain 'small=small,small'
        $out | Should -Contain 'runs=1'
    }

    It 'a 200 MB result is returned, goes to the File engine, and replays' {
        $w = $null
        (Invoke-Cached { Step; 'z' * 200MB } -Key huge -WarningVariable w -WarningAction SilentlyContinue).Length | Should -Be 200MB
        @($w).Count | Should -Be 0
        (Invoke-Cached { Step; 'never' } -Key huge).Length | Should -Be 200MB
        $global:TcRuns | Should -Be 1
        @(Get-ChildItem (Join-Path $base 'default.files') -Directory).Count | Should -Be 1
    }
}
