# Issue 15, "the contract in the small": each case failed on the main of 2026-12-01.
BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe '-Ttl with -SlidingTtl' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'expires at whichever comes first on every engine, and Get-CacheEntry shows it' {
        $engines = 'Memory', 'LiteDb', 'File', 'Auto'
        foreach ($e in $engines) { Invoke-Cached { Step; 'v' } -Key "k-$e" -Engine $e -Ttl 2s -SlidingTtl 10s | Out-Null }
        foreach ($row in Get-CacheEntry) {
            ($row.Expires - $row.Created).TotalSeconds | Should -Be 2 -Because $row.Engine
        }
        Start-Sleep -Milliseconds 2700
        foreach ($e in $engines) { Invoke-Cached { Step; 'v' } -Key "k-$e" -Engine $e -Ttl 2s -SlidingTtl 10s | Out-Null }
        Get-Runs | Should -Be 8
    }
}

Describe 'Lifetimes too long for the calendar' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'Invoke-Cached <Name> runs the block once, stores it and never expires' -TestCases @(
        @{ Name = '-Ttl MaxValue'; Splat = @{ Ttl = [timespan]::MaxValue } }
        @{ Name = "-Ttl '3000000d'"; Splat = @{ Ttl = '3000000d' } }
        @{ Name = '-SlidingTtl MaxValue'; Splat = @{ SlidingTtl = [timespan]::MaxValue } }
        @{ Name = '-MaxStale MaxValue'; Splat = @{ Ttl = '1h'; FailSafe = $true; MaxStale = [timespan]::MaxValue } }
    ) {
        param($Name, $Splat)
        $out = Invoke-Cached { Step; 'long' } -Key $Name @Splat -ErrorAction Stop -WarningVariable warned 3>$null
        $out | Should -Be 'long'
        $warned | Should -BeNullOrEmpty
        Invoke-Cached { Step; 'long' } -Key $Name @Splat | Should -Be 'long'
        Get-Runs | Should -Be 1
        if (-not $Splat.ContainsKey('MaxStale')) { (Get-CacheEntry).Expires | Should -BeNullOrEmpty }
    }

    It 'New-CacheContext -Ttl MaxValue stores entries that never expire' {
        New-CacheContext -Name longctx -Ttl ([timespan]::MaxValue) -ScriptBlock {
            Invoke-Cached { Step; 1 } -ErrorAction Stop | Out-Null
            Invoke-Cached { Step; 1 } | Out-Null
        }
        Get-Runs | Should -Be 1
    }

    It 'Clear-Cache -OlderThan MaxValue removes nothing and does not fail' {
        Invoke-Cached { 1 } | Out-Null
        Clear-Cache -OlderThan ([timespan]::MaxValue) -PassThru -Confirm:$false -ErrorAction Stop | Should -Be 0
        @(Get-CacheEntry).Count | Should -Be 1
    }
}

Describe 'File-engine stores under the root' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'are completed, listed by -Context name and removed by Clear-Cache -All once closed' {
        $ctx = New-CacheContext -Name filectx -Engine File
        try { Invoke-Cached { 'big' } -Context $ctx -Tag t | Out-Null } finally { $ctx.Dispose() }

        $line = 'Get-CacheEntry -Context filec'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'filectx'

        Clear-Cache -All -PassThru -Confirm:$false | Should -Be 1
        @(Get-ChildItem (Join-Path $root 'filectx.files') -Directory).Count | Should -Be 0
        Test-Path (Join-Path $root 'filectx.files.tags') | Should -BeFalse

        $ctx = New-CacheContext -Name filectx -Engine File
        try { Invoke-Cached { 'again' } -Context $ctx | Out-Null } finally { $ctx.Dispose() }
        $rows = @(Get-CacheEntry -Context filectx -ErrorAction Stop)
        $rows.Count | Should -Be 1
        $rows[0].Engine | Should -Be 'File'
    }
}

Describe 'A context disposed during a call' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'fails that call with TwatCache.ContextDisposed' {
        $ctx = New-CacheContext -Name busy -Engine LiteDb
        $started = Join-Path $root 'started'
        $iss = [initialsessionstate]::CreateDefault()
        $iss.ImportPSModule($ModulePath)
        $ps = [powershell]::Create($iss)
        [void]$ps.AddScript({
            param($ctx, $started)
            try {
                Invoke-Cached { New-Item -ItemType File $started | Out-Null; Start-Sleep -Seconds 2; 'done' } -Context $ctx -Key k -ErrorAction Stop | Out-Null
                'no error'
            } catch { $_.FullyQualifiedErrorId }
        }).AddArgument($ctx).AddArgument($started)
        $async = $ps.BeginInvoke()
        try {
            $deadline = [datetime]::UtcNow.AddSeconds(60)
            while (-not (Test-Path $started) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Test-Path $started | Should -BeTrue
            $ctx.Dispose()
            $result = $ps.EndInvoke($async)
        } finally { $ps.Dispose() }
        "$result" | Should -BeLike 'TwatCache.ContextDisposed,*'
    }
}

Describe 'A relative or ~ TWATCACHE_ROOT' {
    AfterEach { Pop-Location; Remove-Item Env:TWATCACHE_ROOT -ErrorAction SilentlyContinue }

    It 'resolves against $PWD, as -Path does' {
        $base = Join-Path ([IO.Path]::GetTempPath()) ('twatcache-rel-' + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory $base | Out-Null
        Push-Location $base
        try {
            $env:TWATCACHE_ROOT = 'relroot'
            Invoke-Cached { 1 } | Out-Null
            (Get-CacheStats | Where-Object { $_.Context -eq 'default' -and $_.Path }).Path | Should -Be (Join-Path $base 'relroot' 'default.tcdb')
            Test-Path (Join-Path $base 'relroot' 'default.tcdb') | Should -BeTrue
        } finally {
            Remove-Item Env:TWATCACHE_ROOT
            Get-CacheStats | Out-Null # switches the defaults away from the relative root
            $env:TWATCACHE_ROOT = New-TestCacheRoot
            Invoke-Cached { 0 } | Out-Null
            Remove-Item $base -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'starting with ~ is under the home directory, not a folder named ~' {
        $name = '.twatcache-home-' + [guid]::NewGuid().ToString('N')
        Push-Location ([IO.Path]::GetTempPath())
        try {
            $env:TWATCACHE_ROOT = "~/$name"
            Invoke-Cached { 1 } | Out-Null
            Test-Path (Join-Path $HOME $name 'default.tcdb') | Should -BeTrue
            Test-Path (Join-Path ([IO.Path]::GetTempPath()) '~') | Should -BeFalse
        } finally {
            $env:TWATCACHE_ROOT = New-TestCacheRoot
            Invoke-Cached { 0 } | Out-Null
            Remove-Item (Join-Path $HOME $name) -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Engine names' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root; Remove-Item Env:TWATCACHE_ENGINE -ErrorAction SilentlyContinue }

    It 'Invoke-Cached -Engine <Value> is refused before the block runs' -TestCases @(
        @{ Value = 'Memory,LiteDb' }, @{ Value = '3' }, @{ Value = '1' }, @{ Value = '-1' }, @{ Value = '0' }, @{ Value = 3 }
    ) {
        param($Value)
        $global:TcRuns = 0
        { Invoke-Cached { Step; 1 } -Engine $Value } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,TwatCache.PowerShell.Cmdlets.InvokeCachedCommand'
        Get-Runs | Should -Be 0
    }

    It 'New-CacheContext -Engine <Value> is refused' -TestCases @(@{ Value = 'Memory,LiteDb' }, @{ Value = '1' }, @{ Value = '-1' }) {
        param($Value)
        { New-CacheContext -Name badengine -Engine $Value } | Should -Throw '*is not an engine name*'
    }

    It 'TWATCACHE_ENGINE=<Value> is refused with TwatCache.Configuration' -TestCases @(@{ Value = '1' }, @{ Value = 'Memory,LiteDb' }, @{ Value = '0' }) {
        param($Value)
        $env:TWATCACHE_ENGINE = $Value
        { Invoke-Cached { 1 } } | Should -Throw -ErrorId 'TwatCache.Configuration,*'
    }

    It 'names are accepted in any case' {
        Invoke-Cached { 'x' } -Engine memory | Should -Be 'x'
        $env:TWATCACHE_ENGINE = ' file '
        Invoke-Cached { 'y' } | Should -Be 'y'
        (Get-CacheEntry | Where-Object Engine -eq 'File').Count | Should -Be 1
    }
}

Describe 'TWATCACHE_DISABLE' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root; Remove-Item Env:TWATCACHE_DISABLE -ErrorAction SilentlyContinue }

    It '<Value> disables caching' -TestCases @(@{ Value = '1' }, @{ Value = 'true' }, @{ Value = 'YES' }, @{ Value = 'on' }) {
        param($Value)
        $env:TWATCACHE_DISABLE = $Value
        1..2 | ForEach-Object { Invoke-Cached { Step; 'v' } | Out-Null }
        Get-Runs | Should -Be 2
    }

    It '<Value> keeps caching on' -TestCases @(@{ Value = '0' }, @{ Value = 'false' }, @{ Value = 'no' }, @{ Value = 'Off' }) {
        param($Value)
        $env:TWATCACHE_DISABLE = $Value
        1..2 | ForEach-Object { Invoke-Cached { Step; 'v' } | Out-Null }
        Get-Runs | Should -Be 1
    }

    It 'an unknown value warns once and keeps caching on' {
        $env:TWATCACHE_DISABLE = 'maybe-' + [guid]::NewGuid().ToString('N')
        $warnings = 1..3 | ForEach-Object { Invoke-Cached { Step; 'v' } 3>&1 } | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'TWATCACHE_DISABLE'
        Get-Runs | Should -Be 1
    }
}

Describe 'The Get-CacheEntry table at 120 columns' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'shows full dates and a useful label' {
        Invoke-Cached { 'v' } -Key 'Get-ChildItem -Recurse C:\projects\twatcache\src' -Ttl 7d -Tag build, ci | Out-Null
        $lines = (Get-CacheEntry | Format-Table | Out-String -Width 120) -split "`r?`n" | Where-Object { $_.Trim() }
        $row = $lines | Where-Object { $_ -like 'Get-ChildItem*' }
        $row | Should -Not -BeNullOrEmpty
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        ([regex]::Matches($row, '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d')).Count | Should -Be 2
        $row | Should -BeLike 'Get-ChildItem -Recurse C:\proj*' # 30 characters of the label at least
        $row | Should -Match 'Fresh'
        $row | Should -Match 'build,ci'
    }
}

Describe 'Concurrent callers of one key' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'four runspaces count 1 miss and 3 hits (a waiter served by the producer is a hit only)' {
        $module = $ModulePath
        $out = 1..4 | ForEach-Object -ThrottleLimit 4 -Parallel {
            Import-Module $using:module
            Invoke-Cached { Start-Sleep -Seconds 3; 'v' } -Key together
        }
        $out | Should -Be @('v', 'v', 'v', 'v')
        $s = Get-CacheStats -Context default
        $s.Misses | Should -Be 1
        $s.Hits | Should -Be 3
    }
}
