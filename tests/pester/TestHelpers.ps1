# Shared helpers for the Pester suite; dot-source from BeforeAll.

$script:ModulePath = $env:TWATCACHE_TEST_MODULE
if (-not $script:ModulePath) { throw 'TWATCACHE_TEST_MODULE is not set: run the suite through ./build.ps1 Test.' }

function New-TestCacheRoot {
    # A fresh cache root per test: never the user's real cache directory.
    $root = Join-Path ([IO.Path]::GetTempPath()) ('twatcache-pester-' + [guid]::NewGuid().ToString('N'))
    $env:TWATCACHE_ROOT = $root
    return $root
}

function Remove-TestCacheRoot([string] $Root) {
    Remove-Item Env:TWATCACHE_ROOT -ErrorAction SilentlyContinue
    if ($Root -and (Test-Path $Root)) { Remove-Item $Root -Recurse -Force -ErrorAction SilentlyContinue }
}

function Get-PwshPath {
    foreach ($c in (Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe')) { if (Test-Path $c) { return $c } }
    throw "No pwsh in $PSHOME"
}

function Invoke-ChildPwsh {
    # Runs a script in a separate pwsh process that imports the built module; returns its output lines.
    param([Parameter(Mandatory)] [string] $Script, [string] $Root = $env:TWATCACHE_ROOT)
    $full = "`$ErrorActionPreference = 'Stop'; `$env:TWATCACHE_ROOT = '$Root'; Import-Module '$script:ModulePath'`n$Script"
    $out = & (Get-PwshPath) -NoProfile -NonInteractive -Command $full 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Child pwsh failed ($LASTEXITCODE): $($out -join "`n")" }
    return $out
}

# Blocks under test count their runs by calling Step: a function call is not a key part, while a
# variable the block reads (such as $script:runs) would be, and would change the key on every run.
function Step { $global:TcRuns++ }
function Get-Runs { $global:TcRuns }
