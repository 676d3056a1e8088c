#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests and demonstrates TwatCache.
.DESCRIPTION
    Tasks:
      Build  dotnet build (Release), then lay out an importable module at out/TwatCache/: the cmdlet
             assembly, its libraries in dependencies/, and help generated from docs/help (en-US/).
      Test   Build, run the xunit tests and the Pester tests against out/TwatCache/TwatCache.psd1,
             print "Tests: N passed, M failed" and exit non-zero on any failure. The Redis tests use a
             Redis-protocol server they start themselves on a loopback port: Garnet, hosted by
             tests/TwatCache.TestRedisServer (built here), so nothing needs installing;
             $env:TWATCACHE_TEST_REDIS = 'redis-server' runs them against a real redis-server instead.
      Package Build, then pack the module as out/psrepo/TwatCache.<version>.nupkg (a PowerShell
             repository folder: Register-PSResourceRepository -Uri out/psrepo, then Install-PSResource
             TwatCache) and dotnet pack TwatCache.Core into out/packages (.nupkg and .snupkg, for C#).
      Demo   Build, then run examples/demo.ps1 in a fresh pwsh under a temporary cache root.
      Clean  Remove out/ and the bin/obj folders.
      Bench  Build, run the benchmarks (benchmarks/Invoke-Benchmarks.ps1: BenchmarkDotNet, scale runs,
             pwsh-bench.ps1) and write docs/benchmarks.md with its chart (10-20 minutes on 2 cores).
    Works from any current directory; any failing step stops the script with a non-zero exit code.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Clean', 'Bench')]
    [string] $Task = 'Build',

    # Run only Pester files whose name starts with one of these (comma-separated, e.g. InvokeCached or
    # Redis,Tags); xunit runs in full unless -XunitFilter is given.
    [string] $PesterFilter = '',

    # A dotnet test --filter expression for xunit (e.g. FullyQualifiedName~Redis); default: every test.
    [string] $XunitFilter = '',

    # Test what the last Build laid out, without building again (e.g. a second pass on another Redis server).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleDir = Join-Path $Out 'TwatCache'
$ResultsDir = Join-Path $Out 'test-results'

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    Write-Host "==> $What" -ForegroundColor Cyan
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed with exit code $LASTEXITCODE." }
}

function Get-PwshPath {
    # Under 'dotnet pwsh' the process is the dotnet host; the pwsh apphost sits beside the engine.
    $candidates = @((Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe'))
    foreach ($c in $candidates) { if (Test-Path $c) { return $c } }
    throw "No pwsh executable found in $PSHOME."
}

function Get-NuGetPackagesFolder {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    return Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages'
}

function Invoke-Build {
    Invoke-Native 'dotnet build (Release)' { dotnet build (Join-Path $Root 'TwatCache.sln') -c Release --nologo -v minimal }
    $bin = Join-Path $Root 'src/TwatCache.PowerShell/bin/Release/netstandard2.0'
    if (Test-Path $ModuleDir) { Remove-Item $ModuleDir -Recurse -Force }
    $dependencies = Join-Path $ModuleDir 'dependencies'
    New-Item -ItemType Directory -Path $dependencies -Force | Out-Null
    # Layout (README "PowerShell versions and dependency isolation"): the cmdlet assembly, the loader
    # (nested module) and the PowerShell 7 load-context assembly at the top; TwatCache.Core and every
    # library it uses in dependencies/, where PowerShell does not look for assemblies, so they load only
    # through TwatCache's load context (or its AssemblyResolve handler on Windows PowerShell).
    Copy-Item (Join-Path $bin 'TwatCache.PowerShell.dll') $ModuleDir
    Copy-Item (Join-Path $Root 'src/TwatCache.Isolation/bin/Release/net8.0/TwatCache.Isolation.dll') $ModuleDir
    Copy-Item (Join-Path $Root 'src/TwatCache.Loader/bin/Release/netstandard2.0/TwatCache.Loader.dll') $ModuleDir
    # PowerShell itself provides System.Management.Automation; never ship the reference assembly.
    Get-ChildItem $bin -Filter *.dll |
        Where-Object Name -notin 'System.Management.Automation.dll', 'TwatCache.PowerShell.dll' |
        Copy-Item -Destination $dependencies
    Copy-Item (Join-Path $Root 'TwatCache.psd1') $ModuleDir
    foreach ($extra in 'TwatCache.Format.ps1xml') {
        $p = Join-Path $Root "src/TwatCache.PowerShell/$extra"
        if (Test-Path $p) { Copy-Item $p $ModuleDir -Recurse }
    }
    # Help: MAML generated from docs/help/*.md (plus the about_ topics), in a pwsh of its own
    # because the generator imports the module it documents.
    Invoke-Native 'help (docs/help -> en-US)' {
        & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $Root 'build/New-MamlHelp.ps1') `
            -ModulePath (Join-Path $ModuleDir 'TwatCache.psd1') -SourceDirectory (Join-Path $Root 'docs/help') `
            -OutputDirectory (Join-Path $ModuleDir 'en-US')
    }
    Write-Host "Module laid out at $ModuleDir" -ForegroundColor Green
}

function Read-TrxCounts([string] $Path) {
    [xml] $trx = Get-Content $Path -Raw
    $c = $trx.TestRun.ResultSummary.Counters
    # The failed tests' names and first message lines, repeated beside the closing line.
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $names = @(Select-Xml -Xml $trx -XPath "//t:UnitTestResult[@outcome!='Passed' and @outcome!='NotExecuted']" -Namespace $ns | ForEach-Object {
        '{0}: {1}' -f $_.Node.testName, ((($_.Node.Output.ErrorInfo.Message) -as [string]) -split "`n")[0]
    })
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted; FailedNames = $names }
}

function Invoke-TestServerBuild {
    # The Garnet test server is built for the Test task only: Build and Demo do not download Garnet.
    $project = Join-Path $Root 'tests/TwatCache.TestRedisServer/TwatCache.TestRedisServer.csproj'
    Invoke-Native 'dotnet build (Garnet test server)' { dotnet build $project -c Release --nologo -v minimal }
    $env:TWATCACHE_TEST_GARNET = Join-Path $Root 'tests/TwatCache.TestRedisServer/bin/Release/net10.0/TwatCache.TestRedisServer.dll'
    # Under 'dotnet pwsh' this process is the dotnet host: the tests start the server with it.
    $self = [Environment]::ProcessPath
    $env:TWATCACHE_TEST_DOTNET = if ($self -and [IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { $self } else { (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source }
}

function Invoke-Test {
    if (-not $NoBuild) { Invoke-Build }
    Invoke-TestServerBuild
    $redisKind = if ($env:TWATCACHE_TEST_REDIS) { $env:TWATCACHE_TEST_REDIS } else { 'garnet' }
    Write-Host "==> Redis tests run on: $redisKind" -ForegroundColor Cyan
    if (Test-Path $ResultsDir) { Remove-Item $ResultsDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ResultsDir -Force | Out-Null

    Write-Host '==> xunit (tests/TwatCache.Core.Tests)' -ForegroundColor Cyan
    $filterArgs = if ($XunitFilter) { @('--filter', $XunitFilter) } else { @() }
    dotnet test (Join-Path $Root 'tests/TwatCache.Core.Tests') -c Release --nologo --no-build @filterArgs `
        --logger 'trx;LogFileName=core.trx' --logger 'console;verbosity=normal' --results-directory $ResultsDir
    $xunitExit = $LASTEXITCODE
    $trxPath = Join-Path $ResultsDir 'core.trx'
    if (-not (Test-Path $trxPath)) { throw "xunit wrote no results (exit code $xunitExit)." }
    $xunit = Read-TrxCounts $trxPath

    Invoke-Native 'restore Pester 5.7.1 from NuGet' { dotnet restore (Join-Path $Root 'build/tools.csproj') --nologo -v quiet }
    $pester = Join-Path (Get-NuGetPackagesFolder) 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path $pester)) { throw "Pester not found at $pester after restore." }

    Write-Host '==> Pester (tests/pester) against the built module' -ForegroundColor Cyan
    $summary = Join-Path $ResultsDir 'pester.json'
    $runner = Join-Path $Root 'tests/pester/Run-Pester.ps1'
    & (Get-PwshPath) -NoProfile -NonInteractive -File $runner -PesterPath $pester `
        -ModulePath (Join-Path $ModuleDir 'TwatCache.psd1') -SummaryPath $summary -Filter "$PesterFilter"
    if (-not (Test-Path $summary)) { throw "Pester wrote no summary (exit code $LASTEXITCODE)." }
    $p = Get-Content $summary -Raw | ConvertFrom-Json

    $passed = $xunit.Passed + $p.Passed
    $failed = $xunit.Failed + $p.Failed
    if ($xunitExit -ne 0 -and $xunit.Failed -eq 0) { $failed++ }  # a crashed test host counts as a failure
    foreach ($name in @($xunit.FailedNames) + @($p.FailedNames)) { if ($name) { Write-Host "FAILED: $name" -ForegroundColor Red } }
    Write-Host ("xunit: {0} passed, {1} failed; Pester: {2} passed, {3} failed" -f $xunit.Passed, $xunit.Failed, $p.Passed, $p.Failed)
    Write-Output "Tests: $passed passed, $failed failed"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Invoke-Package {
    Invoke-Build
    $packages = Join-Path $Out 'packages'
    if (Test-Path $packages) { Remove-Item $packages -Recurse -Force }
    Invoke-Native 'dotnet pack TwatCache.Core' {
        dotnet pack (Join-Path $Root 'src/TwatCache.Core/TwatCache.Core.csproj') -c Release --no-build --nologo -o $packages
    }
    Get-ChildItem $packages -Filter *.nupkg | ForEach-Object { Write-Host "Package: $($_.FullName)" -ForegroundColor Green }
    # The module's own package goes to a folder of its own: a folder repository holding only PowerShell modules.
    $psRepository = Join-Path $Out 'psrepo'
    Write-Host '==> module package (Compress-PSResource)' -ForegroundColor Cyan
    $modulePackage = & (Join-Path $Root 'build/New-ModulePackage.ps1') -ModuleDir $ModuleDir -DestinationPath $psRepository
    Write-Host "Module package: $($modulePackage.FullName)" -ForegroundColor Green
    Write-Host "Module folder: $ModuleDir" -ForegroundColor Green
}

function Invoke-Demo {
    Invoke-Build
    $demoRoot = Join-Path ([IO.Path]::GetTempPath()) ("twatcache-demo-" + [guid]::NewGuid().ToString('N'))
    try {
        $env:TWATCACHE_ROOT = $demoRoot
        & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $Root 'examples/demo.ps1') -ModulePath (Join-Path $ModuleDir 'TwatCache.psd1')
        if ($LASTEXITCODE -ne 0) { throw "The demo failed with exit code $LASTEXITCODE." }
    }
    finally {
        Remove-Item Env:TWATCACHE_ROOT -ErrorAction SilentlyContinue
        if (Test-Path $demoRoot) { Remove-Item $demoRoot -Recurse -Force }
    }
}

function Invoke-Bench {
    Invoke-Build
    # $env:TWATCACHE_BENCH_BASELINE = '<another TwatCache.psd1>' (the old design) also runs pwsh-bench.ps1
    # against that module and adds an "old design" column to the targets (Invoke-Benchmarks.ps1's help).
    $baseline = @(if ($env:TWATCACHE_BENCH_BASELINE) { '-BaselineModulePath', $env:TWATCACHE_BENCH_BASELINE })
    # $env:TWATCACHE_BENCH_ITEMS = '5000' limits the fresh-process pipeline sizes (default 5000,100000).
    if ($env:TWATCACHE_BENCH_ITEMS) { $baseline += '-PersistentItems', $env:TWATCACHE_BENCH_ITEMS }
    & (Get-PwshPath) -NoProfile -NonInteractive -File (Join-Path $Root 'benchmarks/Invoke-Benchmarks.ps1') `
        -ModulePath (Join-Path $ModuleDir 'TwatCache.psd1') -OutDir (Join-Path $Out 'bench') -ReportPath (Join-Path $Root 'docs/benchmarks.md') @baseline
    if ($LASTEXITCODE -ne 0) { throw "The benchmarks failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    foreach ($p in @($Out) + (Get-ChildItem $Root -Recurse -Directory -Include bin, obj | ForEach-Object FullName)) {
        if (Test-Path $p) { Remove-Item $p -Recurse -Force; Write-Host "removed $p" }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test'  { Invoke-Test }
    'Package' { Invoke-Package }
    'Demo'  { Invoke-Demo }
    'Clean' { Invoke-Clean }
    'Bench' { Invoke-Bench }
}
