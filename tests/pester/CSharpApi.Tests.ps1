BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ExampleDll = Join-Path $script:RepoRoot 'examples/csharp/bin/Release/net10.0/TwatCache.Example.dll'
}

Describe 'examples/csharp console app' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'computes on the first run and hits on the second (another process)' {
        $ExampleDll | Should -Exist
        $first = & dotnet $ExampleDll $root 2>&1
        $LASTEXITCODE | Should -Be 0
        $second = & dotnet $ExampleDll $root 2>&1
        $LASTEXITCODE | Should -Be 0
        ($first -join "`n") | Should -Match '^miss: computed'
        ($second -join "`n") | Should -Match "^hit: 'Daily report' total=42"
        Join-Path $root 'example.tcdb' | Should -Exist
    }
}

Describe 'Values shared between C# and Invoke-Cached -Key' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a JSON value written through the C# API is replayed by Invoke-Cached -Key in another pwsh' {
        # The writer is the C# API (TwatCache.Core, JSON serializer) on the default context's store.
        $ctx = [TwatCache.CacheContext]::Create([TwatCache.CacheOptions]@{ Name = 'default'; Engine = 'LiteDb'; Root = $root })
        try {
            $ctx.Set('from-csharp', @{ Name = 'build'; Count = 3; Tags = @('x', 'y') }, [TimeSpan]::FromHours(1))
            $ctx.Set('list', [string[]]@('a', 'b'), [TimeSpan]::FromHours(1))
        }
        finally { $ctx.Dispose() }
        $out = Invoke-ChildPwsh -Script @'
$r = Invoke-Cached -Key 'from-csharp' { 'the block ran' }
"name=$($r.Name) count=$($r.Count) type=$($r.Count.GetType().Name) tags=$($r.Tags -join ',')"
"list=$((Invoke-Cached -Key 'list' { 'the block ran' }) -join ',')"
'@
        $out | Should -Contain 'name=build count=3 type=Int64 tags=x,y'
        $out | Should -Contain 'list=a,b'
    }

    It 'a CliXml value written by Invoke-Cached is a miss for the C# API and stays for PowerShell' {
        # -Engine LiteDb: no memory layer, so the replay below proves the stored entry survived.
        Invoke-Cached -Key 'ps-side' -Engine LiteDb { 'from powershell' } | Should -Be 'from powershell'
        $ctx = [TwatCache.CacheContext]::Create([TwatCache.CacheOptions]@{ Name = 'default'; Engine = 'LiteDb'; Root = $root })
        try {
            $v = $null
            $ctx.TryGet[string]('ps-side', [ref] $v) | Should -BeFalse
            $ctx.GetStats().Entries | Should -Be 1
        }
        finally { $ctx.Dispose() }
        Invoke-Cached -Key 'ps-side' -Engine LiteDb { 'the block ran' } | Should -Be 'from powershell'
    }
}

Describe 'NuGet package of TwatCache.Core' {
    It 'packs the built library with its readme, MIT license expression, tags and XML docs' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ('twatcache-pack-' + [guid]::NewGuid().ToString('N'))
        try {
            $log = & dotnet pack (Join-Path $RepoRoot 'src/TwatCache.Core/TwatCache.Core.csproj') -c Release --no-build --nologo -o $dir 2>&1
            $LASTEXITCODE | Should -Be 0 -Because ($log -join "`n")
            $nupkg = Get-ChildItem $dir -Filter 'TwatCache.Core.*.nupkg' | Where-Object Name -notlike '*.snupkg' | Select-Object -First 1
            $nupkg | Should -Not -BeNullOrEmpty
            Add-Type -AssemblyName System.IO.Compression.FileSystem
            $zip = [IO.Compression.ZipFile]::OpenRead($nupkg.FullName)
            try {
                $names = $zip.Entries.FullName
                $names | Should -Contain 'README.md'
                $names | Should -Contain 'lib/netstandard2.0/TwatCache.Core.dll'
                $names | Should -Contain 'lib/netstandard2.0/TwatCache.Core.xml'
                $reader = [IO.StreamReader]::new($zip.GetEntry('TwatCache.Core.nuspec').Open())
                [xml] $nuspec = $reader.ReadToEnd()
                $reader.Dispose()
            }
            finally { $zip.Dispose() }
            $meta = $nuspec.package.metadata
            $meta.license.type | Should -Be 'expression'
            $meta.license.'#text' | Should -Be 'MIT'
            $meta.readme | Should -Be 'README.md'
            $meta.tags | Should -Match 'memoize'
            $meta.description | Should -Match 'IDistributedCache'
        }
        finally { Remove-Item $dir -Recurse -Force -ErrorAction SilentlyContinue }
    }
}
