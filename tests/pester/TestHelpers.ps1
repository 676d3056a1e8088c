# Shared helpers for the Pester suite; dot-source from BeforeAll. Imports the built module (fresh, -Force)
# so a test file's head is this one line.

$script:ModulePath = $env:TWATCACHE_TEST_MODULE
if (-not $script:ModulePath) { throw 'TWATCACHE_TEST_MODULE is not set: run the suite through ./build.ps1 Test.' }
Import-Module $script:ModulePath -Force
. (Join-Path $PSScriptRoot 'ChildPwsh.ps1')

function New-TestCacheRoot {
    # A fresh cache root per test (never the user's real cache directory), and Step's run count back at 0.
    $root = Join-Path ([IO.Path]::GetTempPath()) ('twatcache-pester-' + [guid]::NewGuid().ToString('N'))
    $env:TWATCACHE_ROOT = $root
    $global:TcRuns = 0
    return $root
}

function Remove-TestCacheRoot([string] $Root) {
    Remove-Item Env:TWATCACHE_ROOT -ErrorAction SilentlyContinue
    if ($Root -and (Test-Path $Root)) { Remove-Item $Root -Recurse -Force -ErrorAction SilentlyContinue }
}

function Remove-TestContext {
    # The AfterEach of a per-engine suite: a Redis-backed context's entries outlive it, so they are cleared
    # first; then the context is closed and its cache root removed.
    param([Parameter(Mandatory, Position = 0)] $Context, [Parameter(Position = 1)] [string] $Root)
    if ($Context.EngineName -like '*Redis*') { $Context.Clear() | Out-Null }
    $Context.Dispose()
    Remove-TestCacheRoot $Root
}

function New-TestContext {
    # A context of its own (a fresh name from -Prefix) on -Engine, for tests that run on every engine.
    # 'Redis' and 'AutoRedis' (Memory L1 in front of Redis) connect to -Redis, a server from Start-TestRedis.
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Engine,
        [string] $Prefix = 'test',
        $Redis,
        [hashtable] $Options = @{}
    )
    $splat = @{ Name = $Prefix + '-' + [guid]::NewGuid().ToString('N').Substring(0, 10); Engine = $Engine } + $Options
    if ($Engine -in 'Redis', 'AutoRedis') {
        if (-not $Redis) { throw "New-TestContext -Engine ${Engine} needs -Redis (a server from Start-TestRedis)." }
        $splat.ConnectionString = $Redis.ConnectionString
        if ($Engine -eq 'AutoRedis') { $splat.Engine = 'Auto' }
    }
    New-CacheContext @splat
}

function Assert-TableColumns {
    # The formatted table (Out-String text) names every one of -Column as a whole word.
    param([Parameter(Mandatory, Position = 0)] [string] $Text, [Parameter(Mandatory, Position = 1)] [string[]] $Column)
    foreach ($c in $Column) { $Text | Should -Match "\b$c\b" }
}

# Blocks under test count their runs by calling Step: a function call is not a key part, while a
# variable the block reads (such as $script:runs) would be, and would change the key on every run.
function Step { $global:TcRuns++ }
function Get-Runs { $global:TcRuns }
