# Resource faults: a root that is a file, a read-only file system, a full disk, a 200 MB result.
# Each call must return the block's result; the cache warns once and falls back, never fails the script.
# Mounts need root (CI runs as root); elsewhere these cases fail with a message saying so.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    function Assert-Root {
        if ((id -u) -ne '0') { throw 'This case mounts a file system and needs root (CI runs as root).' }
    }
}

Describe 'Resource faults' {
    BeforeEach { $base = New-TestCacheRoot; New-Item -ItemType Directory $base -Force | Out-Null; $global:TcRuns = 0 }
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
        Assert-Root
        $ro = Join-Path $base 'ro'
        New-Item -ItemType Directory $ro | Out-Null
        mount --bind $ro $ro; mount -o 'remount,ro,bind' $ro
        try {
            $env:TWATCACHE_ROOT = Join-Path $ro 'cache'
            $w = $null
            Invoke-Cached { Step; 'ro-value' } -WarningVariable w -WarningAction SilentlyContinue | Should -Be 'ro-value'
            @($w).Count | Should -Be 1
            Invoke-Cached { Step; 'ro-value' } | Should -Be 'ro-value'
            $global:TcRuns | Should -Be 1
        } finally { umount $ro }
    }

    It 'a full disk: the write fails with one warning, the result is returned, later calls still work' {
        Assert-Root
        $tiny = Join-Path $base 'tiny'
        New-Item -ItemType Directory $tiny | Out-Null
        mount -t tmpfs -o size=2m tmpfs $tiny
        try {
            $env:TWATCACHE_ROOT = Join-Path $tiny 'cache'
            $w = $null
            $big = Invoke-Cached { [Convert]::ToBase64String([Security.Cryptography.RandomNumberGenerator]::GetBytes(3MB)) } -Key big -WarningVariable w -WarningAction SilentlyContinue
            $big.Length | Should -Be 4194304
            @($w).Count | Should -Be 1
            "$w" | Should -Match 'No space left'
            Invoke-Cached { Step; 'small' } -Key small | Should -Be 'small'
            Invoke-Cached { Step; 'small' } -Key small | Should -Be 'small'
            $global:TcRuns | Should -Be 1
        } finally { umount $tiny }
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
