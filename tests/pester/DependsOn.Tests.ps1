# Invoke-Cached -DependsOn keys on the contents of files (issue #18 part 2): real files, a real native
# command reading them, fresh processes for the "fresh checkout" case.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    Import-Module $ModulePath -Force

    function Get-VerboseLines([scriptblock] $Call) {
        $VerbosePreference = [System.Management.Automation.ActionPreference]::Continue
        @(& $Call 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message)
    }
}

Describe '-DependsOn' {
    BeforeEach {
        $root = New-TestCacheRoot
        $global:TcRuns = 0
        $work = Join-Path $root 'work'
        New-Item -ItemType Directory -Path (Join-Path $work 'src/lib') -Force | Out-Null
        Set-Content (Join-Path $work 'package-lock.json') '{ "lock": 1 }'
        Set-Content (Join-Path $work 'src/app.ts') 'app'
        Set-Content (Join-Path $work 'src/lib/util.ts') 'util'
        Set-Content (Join-Path $work 'src/lib/notes.md') 'notes'
        # The "build": a tiny shell script, a real native command that reads the inputs.
        Set-Content (Join-Path $work 'build.sh') 'cat package-lock.json src/app.ts src/lib/util.ts | wc -c'
        $ctx = New-CacheContext -Name ('dep-' + [guid]::NewGuid().ToString('N').Substring(0, 8)) -Engine LiteDb
        Push-Location $work
    }
    AfterEach {
        Pop-Location
        $ctx.Dispose()
        Remove-TestCacheRoot $root
    }

    It 'hits while the contents are the same and misses when one file changes, naming it' {
        $build = { Step; sh ./build.sh }
        $first = Invoke-Cached $build -Context $ctx -DependsOn package-lock.json, 'src/**/*.ts'
        Invoke-Cached $build -Context $ctx -DependsOn package-lock.json, 'src/**/*.ts' | Should -Be $first
        Get-Runs | Should -Be 1
        Set-Content src/lib/util.ts 'util changed'
        $lines = Get-VerboseLines { Invoke-Cached $build -Context $ctx -DependsOn package-lock.json, 'src/**/*.ts' }
        Get-Runs | Should -Be 2
        $lines | Where-Object { $_ -like 'miss:*' } | Should -Match '^miss: file src/lib/util\.ts changed since the entry of \d\d:\d\d$'
    }

    It 'ignores files the globs do not match' {
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn 'src/**/*.ts' | Out-Null
        Set-Content src/lib/notes.md 'other notes'
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn 'src/**/*.ts' | Should -Be 'built'
        Get-Runs | Should -Be 1
    }

    It 'hits when only the modification times changed' {
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn package-lock.json, src | Out-Null
        foreach ($f in Get-ChildItem -Recurse -File package-lock.json, src) { $f.LastWriteTimeUtc = [datetime]::UtcNow.AddDays(-3) }
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn package-lock.json, src | Should -Be 'built'
        Get-Runs | Should -Be 1
    }

    It 'takes a directory recursively' {
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn src | Out-Null
        Set-Content src/lib/notes.md 'changed notes'
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn src | Out-Null
        Get-Runs | Should -Be 2
    }

    It 'misses when a new file matches a glob' {
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn 'src/**/*.ts' | Out-Null
        Set-Content src/lib/extra.ts 'extra'
        $lines = Get-VerboseLines { Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn 'src/**/*.ts' }
        Get-Runs | Should -Be 2
        $lines | Where-Object { $_ -like 'miss:*' } | Should -Match 'file src/lib/extra\.ts is new'
    }

    It 'keys a missing file as missing: its appearance misses' {
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn optional.json | Out-Null
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn optional.json | Out-Null
        Get-Runs | Should -Be 1
        Set-Content optional.json '{}'
        $lines = Get-VerboseLines { Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn optional.json }
        Get-Runs | Should -Be 2
        $lines | Where-Object { $_ -like 'miss:*' } | Should -Match 'file optional\.json appeared'
    }

    It 'names the first 64 files in the key parts and keys the rest together, every one by content' {
        New-Item -ItemType Directory -Path many -Force | Out-Null
        foreach ($i in 1..70) { Set-Content ('many/f{0:d3}.txt' -f $i) "content $i" }
        Invoke-Cached { Step; 'many' } -Context $ctx -DependsOn many | Out-Null
        $parts = (Get-CacheEntry -Context $ctx).KeyParts -split "`n"
        @($parts | Where-Object { $_ -like 'file many/*' }) | Should -HaveCount 64
        @($parts | Where-Object { $_ -like 'the other 6 -DependsOn files #*' }) | Should -HaveCount 1
        Set-Content many/f070.txt 'changed'
        $lines = Get-VerboseLines { Invoke-Cached { Step; 'many' } -Context $ctx -DependsOn many }
        Get-Runs | Should -Be 2
        $lines | Where-Object { $_ -like 'miss:*' } | Should -Match 'one of the other 6 -DependsOn files changed'
        Remove-Item many/f001.txt
        $lines = Get-VerboseLines { Invoke-Cached { Step; 'many' } -Context $ctx -DependsOn many }
        Get-Runs | Should -Be 3
        $lines | Where-Object { $_ -like 'miss:*' } | Should -Match 'file many/f001\.txt is gone'
    }

    It 'does not depend on the order of the patterns' {
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn package-lock.json, src/app.ts | Out-Null
        Invoke-Cached { Step; 'built' } -Context $ctx -DependsOn src/app.ts, package-lock.json | Out-Null
        Get-Runs | Should -Be 1
    }

    It 'reads the files once per call, not per pipeline item' {
        # Item 1's run changes the file; item 2 is keyed with the content read when the call began.
        Set-Content counter.txt 'start'
        1, 2 | Invoke-Cached { Step; Set-Content counter.txt "after $_"; "item $_" } -Context $ctx -DependsOn counter.txt | Should -Be 'item 1', 'item 2'
        Set-Content counter.txt 'start'
        1, 2 | Invoke-Cached { Step; Set-Content counter.txt "after $_"; "item $_" } -Context $ctx -DependsOn counter.txt | Should -Be 'item 1', 'item 2'
        Get-Runs | Should -Be 2
    }

    It 'keeps the key of calls without -DependsOn, and -DependsOn adds to it' {
        Invoke-Cached { Step; 'plain' } -Context $ctx | Out-Null
        Invoke-Cached { Step; 'plain' } -Context $ctx | Out-Null
        Get-Runs | Should -Be 1
        Invoke-Cached { Step; 'plain' } -Context $ctx -DependsOn src/app.ts | Out-Null
        Get-Runs | Should -Be 2
    }

    It 'works with -Key too' {
        Invoke-Cached { Step; 'k' } -Key build -Context $ctx -DependsOn src/app.ts | Out-Null
        Invoke-Cached { Step; 'k' } -Key build -Context $ctx -DependsOn src/app.ts | Out-Null
        Set-Content src/app.ts 'app 2'
        Invoke-Cached { Step; 'k' } -Key build -Context $ctx -DependsOn src/app.ts | Out-Null
        Get-Runs | Should -Be 2
    }
}

Describe '-DependsOn across a fresh checkout' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a fresh copy of the files with new modification times, in a new process, still hits' {
        $work = Join-Path $root 'checkout'
        $pristine = Join-Path $root 'pristine'
        New-Item -ItemType Directory -Path (Join-Path $pristine 'src') -Force | Out-Null
        Set-Content (Join-Path $pristine 'package-lock.json') 'lock'
        Set-Content (Join-Path $pristine 'src/a.ts') 'a'
        Copy-Item $pristine $work -Recurse
        $call = "Set-Location '$work'; `$global:runs = 0; function Step { `$global:runs++ }; `$c = New-CacheContext -Name ci -Engine LiteDb; " +
                "`$r = Invoke-Cached { Step; 'built' } -Context `$c -DependsOn package-lock.json, 'src/**/*.ts'; `$c.Dispose(); `"`$r runs=`$global:runs`""
        Invoke-ChildPwsh $call | Should -Be 'built runs=1'
        # The CI agent wipes the workspace and checks out again: same contents, new files, new times.
        Remove-Item $work -Recurse -Force
        Copy-Item $pristine $work -Recurse
        foreach ($f in Get-ChildItem $work -Recurse -File) { $f.LastWriteTimeUtc = [datetime]::UtcNow.AddHours(1) }
        Invoke-ChildPwsh $call | Should -Be 'built runs=0'
        Set-Content (Join-Path $work 'src/a.ts') 'a changed'
        Invoke-ChildPwsh $call | Should -Be 'built runs=1'
    }
}

Describe '-DependsOn help' {
    It 'Get-Help Invoke-Cached -Parameter DependsOn describes it, with an example' {
        $text = Get-Help Invoke-Cached -Parameter DependsOn | Out-String -Width 200
        $text | Should -Match 'contents'
        $text | Should -Match '\*\*'
        Get-Help Invoke-Cached -Examples | Out-String -Width 300 | Should -Match '-DependsOn package-lock\.json'
    }
}
