# ./build.ps1 Package writes the module as a .nupkg for a PowerShell repository (build/New-ModulePackage.ps1).
# These tests pack the built module the same way, then install it the way a user would: a folder repository
# registered with PSResourceGet, Install-PSResource, Import-Module by name in a fresh pwsh, a cached call.
# Every child pwsh runs under a home directory of its own, so the user's repositories and modules stay untouched.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $moduleDir = Split-Path $ModulePath -Parent
    $manifest = Import-PowerShellDataFile $ModulePath
    $version = $manifest.ModuleVersion

    $work = Join-Path ([IO.Path]::GetTempPath()) ('twatcache-package-' + [guid]::NewGuid().ToString('N'))
    $repository = Join-Path $work 'repository'
    $home_ = Join-Path $work 'home'
    $cacheRoot = Join-Path $work 'cache'
    New-Item -ItemType Directory -Path $home_, $cacheRoot -Force | Out-Null
    $package = & (Join-Path $PSScriptRoot '../../build/New-ModulePackage.ps1') -ModuleDir $moduleDir -DestinationPath $repository

    # A fresh pwsh whose user paths (modules, PSResourceGet settings, caches) all live under $home_, and
    # with only the standard module paths: the parent's module folders must not leak in.
    $isolated = @{
        HOME = $home_; XDG_DATA_HOME = (Join-Path $home_ '.local/share'); XDG_CONFIG_HOME = (Join-Path $home_ '.config')
        XDG_CACHE_HOME = (Join-Path $home_ '.cache'); LOCALAPPDATA = (Join-Path $home_ 'AppData/Local')
        APPDATA = (Join-Path $home_ 'AppData/Roaming'); PSModulePath = $null
    }
    # .NET answers a special folder that does not exist yet with '' (PSResourceGet would then write its
    # settings under the current directory): every one of them exists before the first child starts.
    foreach ($name in 'XDG_DATA_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'LOCALAPPDATA', 'APPDATA') {
        New-Item -ItemType Directory -Path $isolated[$name] -Force | Out-Null
    }
    function Invoke-InstalledPwsh([string] $Script) {
        Invoke-ChildPwsh $Script -NoModule -Root $cacheRoot -Environment $isolated
    }

    # Windows keeps CurrentUser modules in Documents, which no environment variable moves: there the test
    # saves into a module folder under the test's home instead of installing into the real profile.
    $install = if ($IsWindows) {
        "`$dest = Join-Path `$env:HOME 'Modules'; New-Item -ItemType Directory `$dest -Force | Out-Null; Save-PSResource -Name TwatCache -Repository TwatCacheLocal -Path `$dest -TrustRepository; `$env:PSModulePath = `$dest + [IO.Path]::PathSeparator + `$env:PSModulePath"
    } else {
        'Install-PSResource -Name TwatCache -Repository TwatCacheLocal -Scope CurrentUser -TrustRepository'
    }
    $modulePathLine = if ($IsWindows) { "`$env:PSModulePath = (Join-Path `$env:HOME 'Modules') + [IO.Path]::PathSeparator + `$env:PSModulePath`n" } else { '' }
}

AfterAll {
    if ($work -and (Test-Path $work)) { Remove-Item $work -Recurse -Force -ErrorAction SilentlyContinue }
}

Describe 'The module package (./build.ps1 Package)' {
    It 'is named TwatCache.<version>.nupkg and carries the manifest''s identity' {
        $package.Name | Should -Be "TwatCache.$version.nupkg"
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($package.FullName)
        try {
            $entries = @($zip.Entries | ForEach-Object FullName)
            $reader = [IO.StreamReader]::new($zip.GetEntry('TwatCache.nuspec').Open())
            try { [xml] $nuspec = $reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally { $zip.Dispose() }
        $nuspec.package.metadata.id | Should -Be 'TwatCache'
        $nuspec.package.metadata.version | Should -Be $version
        $nuspec.package.metadata.description | Should -Be $manifest.Description
        $nuspec.package.metadata.tags -split ' ' | Should -Contain 'PSModule'
        # Everything the module folder holds, its isolated dependencies and generated help included.
        foreach ($file in 'TwatCache.psd1', 'TwatCache.PowerShell.dll', 'TwatCache.Loader.dll', 'TwatCache.Format.ps1xml',
            'dependencies/TwatCache.Core.dll', 'dependencies/LiteDB.dll', 'en-US/TwatCache.PowerShell.dll-Help.xml') {
            $entries | Should -Contain $file
        }
        $laidOut = @(Get-ChildItem $moduleDir -Recurse -File | ForEach-Object { [IO.Path]::GetRelativePath($moduleDir, $_.FullName).Replace('\', '/') })
        foreach ($file in $laidOut) { $entries | Should -Contain $file }
    }

    It 'installs from a folder repository with PSResourceGet, imports by name in a fresh pwsh, and caches across processes' {
        $found = Invoke-InstalledPwsh @"
Register-PSResourceRepository -Name TwatCacheLocal -Uri '$repository' -Trusted
`$r = Find-PSResource -Name TwatCache -Repository TwatCacheLocal
'found:' + `$r.Name + ':' + `$r.Version
$install
`$m = Get-Module -ListAvailable TwatCache
'installed:' + `$m.Version + ':' + `$m.ModuleBase
"@
        $found | Should -Contain "found:TwatCache:$version"
        $installed = $found | Where-Object { $_ -like 'installed:*' }
        $installed | Should -HaveCount 1
        $installed | Should -BeLike "installed:$version`:*"
        $base = $installed.Substring("installed:$version`:".Length)
        [IO.Path]::GetFullPath($base) | Should -BeLike ([IO.Path]::GetFullPath($home_) + '*')
        # The repository was registered in the test's home, not in the user's settings or the current directory.
        $settings = if ($IsWindows) { $isolated.LOCALAPPDATA } else { $isolated.XDG_DATA_HOME }
        Join-Path $settings 'PSResourceGet/PSResourceRepository.xml' | Should -Exist

        $call = "$modulePathLine" + @'
Import-Module TwatCache
'base:' + (Get-Module TwatCache).ModuleBase
$script:runs = 0
function Step { $script:runs++ }
1..2 | ForEach-Object { Invoke-Cached { Step; 'answer 42' } -Ttl 1h }
'runs:' + $script:runs
'examples:' + @((Get-Help Invoke-Cached -Examples).examples.example).Count
'@
        $first = Invoke-InstalledPwsh $call
        $first | Where-Object { $_ -like 'base:*' } | Should -Be "base:$base"
        @($first | Where-Object { $_ -eq 'answer 42' }) | Should -HaveCount 2
        $first | Should -Contain 'runs:1'
        [int](($first | Where-Object { $_ -like 'examples:*' }) -replace 'examples:') | Should -BeGreaterThan 0

        # The next process replays the stored result without running the block.
        $second = Invoke-InstalledPwsh $call
        @($second | Where-Object { $_ -eq 'answer 42' }) | Should -HaveCount 2
        $second | Should -Contain 'runs:0'
    }
}
