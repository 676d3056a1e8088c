# Invoke-Cached -Verbose explains a miss against the nearest entry the same block stored (issue #18 part 1),
# and Get-CacheEntry shows each entry's key parts.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    Import-Module $ModulePath -Force
    $script:redis = Start-TestRedis

    # The "miss: ..." line of one call's verbose stream (the call's output is dropped).
    function Get-MissLine([scriptblock] $Call) {
        $VerbosePreference = [System.Management.Automation.ActionPreference]::Continue
        $lines = & $Call 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
        @($lines | Where-Object { $_ -like 'miss:*' })
    }
}

AfterAll {
    Stop-TestRedis $script:redis
}

Describe 'Explaining a miss' {
    BeforeEach {
        $root = New-TestCacheRoot
        $global:TcRuns = 0
        $ctx = New-CacheContext -Name ('explain-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) -Engine LiteDb
    }
    AfterEach {
        $ctx.Dispose()
        Remove-TestCacheRoot $root
    }

    It 'says there is no entry for a block seen for the first time' {
        $line = Get-MissLine { Invoke-Cached { Step; 'first' } -Context $ctx }
        $line | Should -Be 'miss: no entry for this block yet'
    }

    It 'names the variable that differs, with both short values and the time of the entry' {
        $org = 'contoso'
        Invoke-Cached { Step; "repos of $org" } -Context $ctx | Should -Be 'repos of contoso'
        $org = 'fabrikam'
        $line = Get-MissLine { Invoke-Cached { Step; "repos of $org" } -Context $ctx }
        $line | Should -Match "^miss: \`$org differs from the entry of \d\d:\d\d \('contoso' \u2192 'fabrikam'\)$"
        Get-Runs | Should -Be 2
    }

    It 'says nothing on a hit' {
        $org = 'contoso'
        Invoke-Cached { Step; "repos of $org" } -Context $ctx | Out-Null
        $verbose = Invoke-Cached { Step; "repos of $org" } -Context $ctx -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        @($verbose | Where-Object Message -like 'miss:*') | Should -BeNullOrEmpty
        @($verbose | Where-Object Message -like 'Cache hit*') | Should -HaveCount 1
        Get-Runs | Should -Be 1
    }

    It 'names a called function whose definition changed' {
        function Get-Inventory { 'v1' }
        Invoke-Cached { Get-Inventory } -Context $ctx | Should -Be 'v1'
        function Get-Inventory { 'v2' }
        Get-MissLine { Invoke-Cached { Get-Inventory } -Context $ctx } | Should -Be 'miss: function Get-Inventory changed'
    }

    It "says the block's text changed when the block at the same place in a script was edited" {
        $script = Join-Path $root 'job.ps1'
        New-Item -ItemType Directory -Path $root -Force | Out-Null
        Set-Content $script -Value 'param($ctx)', "Invoke-Cached { 'version 1' } -Context `$ctx"
        & $script $ctx | Should -Be 'version 1'
        Set-Content $script -Value 'param($ctx)', "Invoke-Cached { 'version 2' } -Context `$ctx"
        $line = Get-MissLine { & $script $ctx }
        $line | Should -Be "miss: the block's text changed"
    }

    It 'says how long ago the entry expired (the context clock moved on)' {
        $global:TcClock = [DateTimeOffset]::UtcNow
        $o = [TwatCache.CacheOptions]::new()
        $o.Name = 'explain-clock'; $o.Engine = 'Memory'; $o.Clock = [Func[DateTimeOffset]] { $global:TcClock }
        $clocked = [TwatCache.CacheContext]::Create($o)
        try {
            Invoke-Cached { 'token' } -Context $clocked -Ttl 1m | Out-Null
            $global:TcClock = $global:TcClock.AddMinutes(4)
            Get-MissLine { Invoke-Cached { 'token' } -Context $clocked -Ttl 1m } | Should -Be 'miss: expired 3m ago'
        }
        finally { $clocked.Dispose() }
    }

    It 'says the entry is gone when it was cleared' {
        Invoke-Cached { 'kept' } -Context $ctx | Out-Null
        Clear-Cache -Context $ctx -Confirm:$false
        Get-MissLine { Invoke-Cached { 'kept' } -Context $ctx } | Should -Match '^miss: the entry of \d\d:\d\d is gone'
    }

    It 'explains a miss in a fresh process from the entries another process stored' {
        $name = $ctx.Name
        Invoke-ChildPwsh "`$org = 'contoso'; `$c = New-CacheContext -Name $name -Engine LiteDb; Invoke-Cached { `"repos of `$org`" } -Context `$c; `$c.Dispose()" | Should -Be 'repos of contoso'
        $out = Invoke-ChildPwsh "`$org = 'fabrikam'; `$c = New-CacheContext -Name $name -Engine LiteDb; Invoke-Cached { `"repos of `$org`" } -Context `$c -Verbose 4>&1 | ForEach-Object { `"`$_`" }; `$c.Dispose()"
        @($out | Where-Object { "$_" -like 'miss:*' }) | Should -Be @("miss: `$org differs from the entry of $(@($out | Select-String -Pattern 'entry of (\d\d:\d\d)').Matches[0].Groups[1].Value) ('contoso' $([char]0x2192) 'fabrikam')")
    }
}

Describe 'Get-CacheEntry KeyParts on the <engine> engine' -ForEach @(
    @{ engine = 'Memory' }
    @{ engine = 'LiteDb' }
    @{ engine = 'File' }
    @{ engine = 'Redis' }
) {
    BeforeEach {
        $root = New-TestCacheRoot
        $ctx = New-TestContext $engine -Prefix 'parts' -Redis $redis
    }
    AfterEach { Remove-TestContext $ctx $root }

    It 'lists the part names with a hash each, short values only, never a secret-looking one' {
        $org = 'contoso'
        $apiToken = 'tok-12345'
        $long = 'x' * 200
        Invoke-Cached { "$org $apiToken $($long.Length)"; Get-Date } -ArgumentList 1 -Context $ctx | Out-Null
        $parts = (Get-CacheEntry -Context $ctx).KeyParts -split "`n"
        $parts | Should -Contain "`$org #$(($parts | Where-Object { $_ -like '$org #*' }) -replace '^\$org #([0-9a-f]{16}).*$', '$1') = 'contoso'"
        @($parts | Where-Object { $_ -match '^block text #[0-9a-f]{16}$' }) | Should -HaveCount 1
        @($parts | Where-Object { $_ -match '^-ArgumentList #[0-9a-f]{16} = \(1\)$' }) | Should -HaveCount 1
        @($parts | Where-Object { $_ -match '^\$apiToken #[0-9a-f]{16}$' }) | Should -HaveCount 1
        @($parts | Where-Object { $_ -match '^\$long #[0-9a-f]{16}$' }) | Should -HaveCount 1
        @($parts | Where-Object { $_ -match '^cmdlet Get-Date #[0-9a-f]{16}$' }) | Should -HaveCount 1
        @($parts | Where-Object { $_ -like 'location #*' }) | Should -HaveCount 1
        (Get-CacheEntry -Context $ctx).KeyParts | Should -Not -Match 'tok-12345'
    }

    It 'keeps KeyParts out of the default table and in Format-List' {
        Invoke-Cached { 'listed' } -Context $ctx | Out-Null
        Get-CacheEntry -Context $ctx | Format-Table | Out-String | Should -Not -Match 'KeyParts|block text'
        Get-CacheEntry -Context $ctx | Format-List * | Out-String | Should -Match 'KeyParts\s*:\s*block text #'
    }
}

Describe 'Key parts cost nothing on a hit' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a hit leaves the side record of the block untouched' {
        $ctx = New-CacheContext -Name 'sidecar' -Engine LiteDb
        try {
            Invoke-Cached { 'once' } -Context $ctx | Out-Null
            $files = @(Get-ChildItem -Path ($ctx.Path + '.explain') -File)
            $files.Count | Should -BeGreaterThan 0
            $before = $files | ForEach-Object { "$($_.Name) $($_.LastWriteTimeUtc.Ticks) $($_.Length)" }
            Invoke-Cached { 'once' } -Context $ctx | Should -Be 'once'
            $after = Get-ChildItem -Path ($ctx.Path + '.explain') -File | ForEach-Object { "$($_.Name) $($_.LastWriteTimeUtc.Ticks) $($_.Length)" }
            $after | Should -Be $before
        }
        finally { $ctx.Dispose() }
    }
}

Describe 'Key parts persisted by the <engine> engine' -ForEach @(
    @{ engine = 'LiteDb' }
    @{ engine = 'File' }
    @{ engine = 'Redis' }
) {
    BeforeEach {
        $root = New-TestCacheRoot
        $extra = if ($engine -eq 'Redis') { @{ ConnectionString = $redis.ConnectionString } } else { @{} }
        $ctx = New-TestContext $engine -Prefix 'kept' -Redis $redis
    }
    AfterEach { Remove-TestContext $ctx $root }

    It 'reads the key parts back in a new context over the same store' {
        Invoke-Cached { 'persisted' } -Context $ctx | Out-Null
        $name = $ctx.Name
        $ctx.Dispose()
        $script:ctx = $ctx = New-CacheContext -Name $name -Engine $engine @extra
        (Get-CacheEntry -Context $ctx).KeyParts | Should -Match '^block text #[0-9a-f]{16}\n'
    }
}

Describe 'Miss history of a context on a server' {
    BeforeEach {
        $root = New-TestCacheRoot
        $here = Join-Path $root 'cwd'
        New-Item -ItemType Directory -Path $here -Force | Out-Null
        Push-Location $here
    }
    AfterEach {
        Pop-Location
        Remove-TestCacheRoot $root
    }

    It 'a <engine> context on Redis explains from the process and writes no file' -ForEach @(@{ engine = 'Redis' }, @{ engine = 'Auto' }) {
        $ctx = New-CacheContext -Name ('srv-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) -Engine $engine -ConnectionString $redis.ConnectionString
        try {
            $org = 'contoso'
            Invoke-Cached { "repos of $org" } -Context $ctx | Out-Null
            $org = 'fabrikam'
            Get-MissLine { Invoke-Cached { "repos of $org" } -Context $ctx } | Should -Match '^miss: \$org differs'
            @(Get-ChildItem -Path $here -Recurse -Force) | Should -BeNullOrEmpty
        }
        finally {
            $ctx.Clear() | Out-Null
            $ctx.Dispose()
        }
    }
}
