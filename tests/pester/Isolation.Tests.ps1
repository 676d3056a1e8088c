BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $moduleBase = Split-Path $ModulePath -Parent
    $dependencyNames = @(Get-ChildItem (Join-Path $moduleBase 'dependencies') -Filter *.dll | ForEach-Object BaseName)

    # What another module would bring: Microsoft.Extensions.Caching.Memory 8.0.1 and the 8.0 versions of
    # its dependencies (TwatCache uses 10.x), restored from NuGet by tests/conflict/ConflictingDependencies.csproj.
    $conflictProject = Join-Path $PSScriptRoot '../conflict/ConflictingDependencies.csproj'
    $restore = & dotnet restore $conflictProject --nologo -v quiet 2>&1
    if ($LASTEXITCODE -ne 0) { throw "dotnet restore of $conflictProject failed: $($restore -join "`n")" }
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
    $olderDlls = @(
        'microsoft.extensions.primitives/8.0.0', 'microsoft.extensions.dependencyinjection.abstractions/8.0.2',
        'microsoft.extensions.logging.abstractions/8.0.2', 'microsoft.extensions.options/8.0.2',
        'microsoft.extensions.caching.abstractions/8.0.0', 'microsoft.extensions.caching.memory/8.0.1'
    ) | ForEach-Object {
        $dll = Get-ChildItem (Join-Path $packages "$_/lib/net8.0") -Filter *.dll | Select-Object -First 1
        if (-not $dll) { throw "No net8.0 assembly in package $_ after restore." }
        $dll.FullName
    }
    $loadOlder = ($olderDlls | ForEach-Object { "Add-Type -Path '$_'" }) -join '; '
    # Uses the older MemoryCache the way the other module would, so its types are really bound.
    $useOlder = @'
$mc = [Microsoft.Extensions.Caching.Memory.MemoryCache]::new([Microsoft.Extensions.Caching.Memory.MemoryCacheOptions]::new())
$null = [Microsoft.Extensions.Caching.Memory.CacheExtensions]::Set($mc, 'k', 'from 8.0')
'other:' + [Microsoft.Extensions.Caching.Memory.CacheExtensions]::Get($mc, 'k') + ':' + $mc.GetType().Assembly.GetName().Version
'@
    $report = @'
[AppDomain]::CurrentDomain.GetAssemblies() |
    Where-Object { $_.GetName().Name -match '^(TwatCache|LiteDB|Microsoft\.Extensions\.)' } |
    ForEach-Object { 'asm:{0}|{1}|{2}' -f $_.GetName().Name, $_.GetName().Version, [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
'@
    function Get-LoadedAssemblies([string[]] $Lines) {
        $Lines | Where-Object { $_ -like 'asm:*' } | ForEach-Object {
            $n, $v, $c = $_.Substring(4) -split '\|'
            [pscustomobject]@{ Name = $n; Version = $v; Context = $c }
        }
    }
}

Describe 'Dependency isolation (PowerShell 7)' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'works when another module loaded an older Microsoft.Extensions.Caching.Memory first' {
        $out = Invoke-ChildPwsh -NoModule @"
$loadOlder
$useOlder
Import-Module '$ModulePath'
'imported:' + (([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { `$_.GetName().Name }) -join ',')
'memory:' + (Invoke-Cached { 6 * 7 } -Engine Memory)
'litedb:' + (Invoke-Cached { 'stored' } -Engine LiteDb)
'litedb-hit:' + (Invoke-Cached { 'stored' } -Engine LiteDb)
$useOlder
$report
"@
        $out | Should -Contain 'other:from 8.0:8.0.0.0'
        $out | Should -Contain 'memory:42'
        $out | Should -Contain 'litedb:stored'
        $out | Should -Contain 'litedb-hit:stored'
        ($out | Where-Object { $_ -like 'other:*' }).Count | Should -Be 2 -Because 'the other module still works after TwatCache ran'
        $asm = Get-LoadedAssemblies $out
        $mem = $asm | Where-Object Name -eq 'Microsoft.Extensions.Caching.Memory'
        ($mem | Where-Object Context -eq 'Default').Version | Should -Be '8.0.0.0'
        ($mem | Where-Object Context -eq 'TwatCache').Version | Should -Be '10.0.0.0'
        ($asm | Where-Object Name -eq 'LiteDB').Context | Should -Be 'TwatCache'
        ($asm | Where-Object Name -eq 'TwatCache.Core').Context | Should -Be 'TwatCache'
        ($asm | Where-Object Name -eq 'TwatCache.PowerShell').Context | Should -Be 'Default'
    }

    It 'lets another module load its older version after TwatCache ran' {
        $out = Invoke-ChildPwsh -NoModule @"
Import-Module '$ModulePath'
'memory:' + (Invoke-Cached { 6 * 7 } -Engine Memory)
'litedb:' + (Invoke-Cached { 'stored' } -Engine LiteDb)
$loadOlder
$useOlder
'memory-hit:' + (Invoke-Cached { 6 * 7 } -Engine Memory)
$report
"@
        $out | Should -Contain 'other:from 8.0:8.0.0.0'
        $out | Should -Contain 'memory:42'
        $out | Should -Contain 'memory-hit:42'
        $asm = Get-LoadedAssemblies $out
        ($asm | Where-Object { $_.Name -eq 'Microsoft.Extensions.Caching.Memory' -and $_.Context -eq 'Default' }).Version | Should -Be '8.0.0.0'
    }

    It 'loads no engine library at import: they come with the first engine that needs them' {
        $out = Invoke-ChildPwsh -NoModule @"
Import-Module '$ModulePath'
$report
"@
        $names = (Get-LoadedAssemblies $out).Name
        $names | Should -Contain 'TwatCache.PowerShell'
        $names | Should -Not -Contain 'LiteDB'
        $names | Should -Not -Contain 'Microsoft.Extensions.Caching.Memory'
    }
}

Describe 'What the module exposes' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'keeps TwatCache.Core and its libraries in the TwatCache load context, out of the default one' {
        Invoke-Cached { 'x' } -Engine LiteDb | Out-Null
        Invoke-Cached { 'y' } -Engine Memory | Out-Null
        $loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -in $dependencyNames }
        $byName = @{}
        foreach ($a in $loaded) { $byName[$a.GetName().Name] = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a).Name }
        $byName['TwatCache.Core'] | Should -Be 'TwatCache'
        $byName['LiteDB'] | Should -Be 'TwatCache'
        $byName['Microsoft.Extensions.Caching.Memory'] | Should -Be 'TwatCache'
        $byName['System.IO.Hashing'] | Should -Be 'TwatCache'
        $inDefault = $loaded | Where-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name -eq 'Default' } |
            ForEach-Object { $_.GetName().Name } | Where-Object { $_ -match '^(LiteDB|Microsoft\.Extensions\.|System\.IO\.Hashing|StackExchange\.Redis|TwatCache\.Core)' }
        $inDefault | Should -BeNullOrEmpty
    }

    It 'the cmdlet assembly references no dependency but TwatCache.Core' {
        $cmdletAssembly = (Get-Command Invoke-Cached).ImplementingType.Assembly
        $refs = $cmdletAssembly.GetReferencedAssemblies().Name
        $refs | Should -Contain 'TwatCache.Core'
        # Assemblies the runtime itself ships (System.Text.Json, System.Memory on .NET) are shared by every
        # module anyway; any other dependency referenced directly would bind in the default context.
        $platform = ([AppContext]::GetData('TRUSTED_PLATFORM_ASSEMBLIES') -split [IO.Path]::PathSeparator) |
            ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_) }
        $leaks = $refs | Where-Object { $_ -in $dependencyNames -and $_ -ne 'TwatCache.Core' -and $_ -notin $platform }
        $leaks | Should -BeNullOrEmpty -Because 'a direct reference would bind in the default load context and clash with other modules'
    }

    It 'lays out the module with only the cmdlet, loader and load-context assemblies at the top' {
        (Get-ChildItem $moduleBase -Filter *.dll).Name | Sort-Object | Should -Be @('TwatCache.Isolation.dll', 'TwatCache.Loader.dll', 'TwatCache.PowerShell.dll')
        $dependencyNames | Should -Contain 'TwatCache.Core'
        $dependencyNames | Should -Contain 'LiteDB'
        $dependencyNames | Should -Not -Contain 'System.Management.Automation'
    }

    It 'keeps type literals of TwatCache types working' {
        $stats = Get-CacheStats | Select-Object -First 1
        $stats.GetType() | Should -Be ([TwatCache.CacheStats])
        [TwatCache.CacheEngineKind]::Memory | Should -Be 'Memory'
    }
}
