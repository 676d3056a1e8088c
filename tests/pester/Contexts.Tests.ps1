BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'New-CacheContext parameters' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'passes every option through to the context' {
        $ctx = New-CacheContext -Name opts -Engine LiteDb -Ttl 1h -SlidingTtl 10m -MaxEntries 5 -MaxBytes 4096 -Policy LFU -Depth 3 -ConnectionString 'localhost:1'
        try {
            $o = $ctx.Options
            $o.Name | Should -Be 'opts'
            $o.Engine | Should -Be ([TwatCache.CacheEngineKind]::LiteDb)
            $o.DefaultTtl | Should -Be ([timespan]::FromHours(1))
            $o.SlidingTtl | Should -Be ([timespan]::FromMinutes(10))
            $o.MaxEntries | Should -Be 5
            $o.MaxBytes | Should -Be 4096
            $o.Policy | Should -Be ([TwatCache.EvictionPolicy]::Lfu)
            $o.ConnectionString | Should -Be 'localhost:1'
            $o.Serializer.Depth | Should -Be 3
        } finally { $ctx.Dispose() }
    }

    It '-Path puts the store under another root' {
        $other = Join-Path $root 'elsewhere'
        $ctx = New-CacheContext -Name placed -Engine LiteDb -Path $other
        try {
            Invoke-Cached { 1 } -Context $ctx | Out-Null
            $ctx.Path | Should -Be (Join-Path $other 'placed.tcdb')
            Test-Path $ctx.Path | Should -BeTrue
        } finally { $ctx.Dispose() }
    }

    It 'refuses <what> with a clean error and creates nothing' -ForEach @(
        @{ what = 'a name with a separator'; splat = @{ Name = 'a/b' }; id = 'TwatCache.Configuration*' }
        @{ what = 'a name with ..'; splat = @{ Name = 'x..y' }; id = 'TwatCache.Configuration*' }
        @{ what = 'an empty name'; splat = @{ Name = '' }; id = 'ParameterArgumentValidationError*' }
        @{ what = 'a negative -MaxEntries'; splat = @{ Name = 'neg'; MaxEntries = -1 }; id = 'ParameterArgumentValidationError*' }
        @{ what = 'a zero -MaxBytes'; splat = @{ Name = 'zero'; MaxBytes = 0 }; id = 'ParameterArgumentValidationError*' }
        @{ what = 'an unknown engine'; splat = @{ Name = 'eng'; Engine = 'Floppy' }; id = 'ParameterArgumentTransformationError*' }
        @{ what = 'an unknown policy'; splat = @{ Name = 'pol'; Policy = 'Newest' }; id = 'CannotConvertArgumentNoMessage*' }
        @{ what = 'a bad TTL'; splat = @{ Name = 'ttl'; Ttl = 'soon' }; id = 'ParameterArgumentTransformationError*' }
    ) {
        $before = @(Get-CacheStats).Count
        $err = $null
        $s = $splat.Clone()
        if (-not $s.ContainsKey('Engine')) { $s.Engine = 'LiteDb' }
        try { New-CacheContext @s } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike $id
        @(Get-CacheStats).Count | Should -Be $before
        @(Get-ChildItem $root -Filter *.tcdb -ErrorAction SilentlyContinue | Where-Object Name -ne 'default.tcdb').Count | Should -Be 0
    }

    It 'refuses a second open context of the same name and leaves the first one working' {
        $ctx = New-CacheContext -Name twice -Engine Memory
        try {
            $err = $null
            try { New-CacheContext -Name twice -Engine LiteDb } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'TwatCache.Configuration*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            Test-Path (Join-Path $root 'twice.tcdb') | Should -BeFalse
            Invoke-Cached { Step; 1 } -Context twice | Out-Null
            Invoke-Cached { Step; 1 } -Context twice | Out-Null
            $global:TcRuns | Should -Be 1
        } finally { $ctx.Dispose() }
    }

    It 'an engine that cannot start falls back to memory with one warning, and the context still caches' {
        # Redis on a closed port (DESIGN.md: an engine that cannot start never fails the script).
        $w = $null
        $ctx = New-CacheContext -Name nored -Engine Redis -ConnectionString '127.0.0.1:1,connectTimeout=500' -WarningVariable w -WarningAction SilentlyContinue
        try {
            $ctx.EngineName | Should -Be 'Memory'
            $w2 = $null
            Invoke-Cached { Step; 'ok' } -Context $ctx -WarningVariable w2 -WarningAction SilentlyContinue | Should -Be 'ok'
            Invoke-Cached { Step; 'ok' } -Context $ctx | Should -Be 'ok'
            $global:TcRuns | Should -Be 1
            @($w).Count + @($w2).Count | Should -Be 1
            "$w" | Should -Match 'Redis'
        } finally { $ctx.Dispose() }
    }
}

Describe 'Scoped contexts' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'nested contexts stack: the inner one wins and the outer one comes back' {
        $seen = New-CacheContext -Name outer -Engine Memory -ScriptBlock {
            (Get-CacheStats | Select-Object -First 1).Context
            New-CacheContext -Name inner -Engine Memory -ScriptBlock {
                Invoke-Cached { Step; 'in' } | Out-Null
                (Get-CacheStats | Select-Object -First 1).Context
            }
            Invoke-Cached { Step; 'in' } | Out-Null
            (Get-CacheStats | Select-Object -First 1).Context
            (Get-CacheStats -Context outer).Misses
        }
        $seen | Should -Be 'outer', 'inner', 'outer', 1
        $global:TcRuns | Should -Be 2
        @(Get-CacheStats | Where-Object Context -in 'outer', 'inner').Count | Should -Be 0
    }

    It 'an explicit -Context inside a scoped block beats the ambient one' {
        $ctx = New-CacheContext -Name explicit -Engine Memory
        try {
            New-CacheContext -Name ambient -Engine Memory -ScriptBlock {
                Invoke-Cached { Step; 1 } -Context explicit | Out-Null
            }
            (Get-CacheStats -Context explicit).Misses | Should -Be 1
        } finally { $ctx.Dispose() }
    }

    It '-Temporary <engine> storage is gone after the block even when it throws' -ForEach @(@{ engine = 'LiteDb' }, @{ engine = 'Auto' }) {
        $script:tmpPath = $null
        { New-CacheContext -Name "tmp$engine" -Engine $engine -Temporary -ScriptBlock {
            Invoke-Cached { 1 } | Out-Null
            $script:tmpPath = (Get-CacheStats | Select-Object -First 1).Path
            throw 'fail inside'
        } } | Should -Throw 'fail inside'
        $script:tmpPath | Should -Not -BeNullOrEmpty
        $script:tmpPath | Should -Not -BeLike "$root*"
        Test-Path (Split-Path $script:tmpPath) | Should -BeFalse
        # The name is free again: the context was disposed and unregistered.
        $again = New-CacheContext -Name "tmp$engine" -Engine Memory
        $again.Dispose()
    }

    It 'Ctrl+C (a stopped pipeline) disposes the scoped context and deletes temporary storage' {
        $marker = Join-Path $root 'path.txt'
        New-Item -ItemType Directory -Path $root -Force | Out-Null
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                param($module, $root, $marker)
                $env:TWATCACHE_ROOT = $root
                Import-Module $module
                New-CacheContext -Name stopped -Engine LiteDb -Temporary -ScriptBlock {
                    Invoke-Cached { 'x' } | Out-Null
                    (Get-CacheStats -Context stopped).Path | Set-Content $marker
                    Start-Sleep -Seconds 60
                }
            }).AddArgument($ModulePath).AddArgument($root).AddArgument($marker)
            $async = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while (-not (Test-Path $marker) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 200
            $path = Get-Content $marker
            Test-Path $path | Should -BeTrue
            $ps.Stop()
            try { $ps.EndInvoke($async) } catch { }
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            Test-Path (Split-Path $path) | Should -BeFalse
            $again = New-CacheContext -Name stopped -Engine Memory
            $again.Dispose()
        } finally { $ps.Dispose() }
    }
}

Describe 'Module lifetime' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'Remove-Module and process exit dispose open contexts: stats flushed, store released, names free' {
        $out = Invoke-ChildPwsh -Root $root -Script @'
$ctx = New-CacheContext -Name held -Engine LiteDb
Invoke-Cached { 'v' } -Context held | Out-Null
Invoke-Cached { 'v' } -Context held | Out-Null
$file = $ctx.Path
Remove-Module TwatCache
"disposed=$($ctx.IsDisposed)"
"stats=$(Test-Path (Join-Path $env:TWATCACHE_ROOT 'held.stats.json'))"
Remove-Item $file
"deleted=$(-not (Test-Path $file))"
$open = @(Get-ChildItem "/proc/$PID/fd" -ErrorAction SilentlyContinue | Where-Object { "$($_.LinkTarget)" -like "$file*" })
"fds=$($open.Count)"
Import-Module $env:TWATCACHE_TEST_MODULE
$again = New-CacheContext -Name held -Engine LiteDb
"reopened=$($again.Path -eq $file)"
$again.Dispose()
# Left open on purpose: process exit disposes it and flushes its running total.
$left = New-CacheContext -Name leftopen -Engine LiteDb
Invoke-Cached { 'v' } -Context $left | Out-Null
Invoke-Cached { 'v' } -Context $left | Out-Null
Invoke-Cached { 'w' } -Context $left | Out-Null
"leftstats=$(Test-Path (Join-Path $env:TWATCACHE_ROOT 'leftopen.stats.json'))"
'@
        $out | Should -Contain 'disposed=True'
        $out | Should -Contain 'stats=True'
        $out | Should -Contain 'deleted=True'
        $out | Should -Contain 'fds=0'
        $out | Should -Contain 'reopened=True'
        $out | Should -Contain 'leftstats=False'
        $saved = Get-Content (Join-Path $root 'leftopen.stats.json') -Raw | ConvertFrom-Json
        $saved.Hits | Should -Be 1
        $saved.Misses | Should -Be 2
    }
}
