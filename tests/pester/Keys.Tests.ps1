# Issue 13: a hit only when the block could not tell the inputs apart. Each case runs a block on one
# input, then on a near input that an order-, type- or property-blind key would confuse with it; the
# second call must run the block again and return its own result.
BeforeAll { . (Join-Path $PSScriptRoot 'TestHelpers.ps1') }

Describe 'Sound keys: the examples of issue 13' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'an [ordered] dictionary and a Hashtable with the same pairs are different inputs' {
        $a = [ordered]@{ k = 1; j = 2 }; $first = Invoke-Cached { Step; [string]$a.GetType() }
        $a = @{ k = 1; j = 2 }; $second = Invoke-Cached { Step; [string]$a.GetType() }
        $second | Should -Be ([string](@{}).GetType())
        $first | Should -Not -Be $second
        $global:TcRuns | Should -Be 2
    }

    It 'PSCustomObject property order is part of the key' {
        $a = [pscustomobject]@{ Name = 'x'; N = 1 }; Invoke-Cached { $a | ConvertTo-Json -Compress } | Should -Be '{"Name":"x","N":1}'
        $a = [pscustomobject]@{ N = 1; Name = 'x' }; Invoke-Cached { $a | ConvertTo-Json -Compress } | Should -Be '{"N":1,"Name":"x"}'
    }

    It 'XML documents are keyed by their content' {
        $a = [xml]'<r><v>one</v></r>'; Invoke-Cached { $a.r.v } | Should -Be 'one'
        $a = [xml]'<r><v>two</v></r>'; Invoke-Cached { $a.r.v } | Should -Be 'two'
    }

    It 'an XML node is keyed by its content and its place in the document' {
        $doc = [xml]'<r><v>one</v><v>one</v></r>'
        $n = $doc.r.ChildNodes[0]; Invoke-Cached { Step; [string]$n.NextSibling.InnerText } | Should -Be 'one'
        $n = $doc.r.ChildNodes[1]; Invoke-Cached { Step; [string]$n.NextSibling.InnerText + '|none' } | Should -Be '|none'
        $n = $doc.r.ChildNodes[1]; Invoke-Cached { Step; [string]$n.NextSibling.InnerText } | Should -Be ''
        $global:TcRuns | Should -Be 3
    }

    It 'a StringBuilder is keyed by its private state' {
        $a = [Text.StringBuilder]::new('ab'); Invoke-Cached { "$a" } | Should -Be 'ab'
        $a = [Text.StringBuilder]::new('cd'); Invoke-Cached { "$a" } | Should -Be 'cd'
    }

    It 'the current location is part of the key' {
        $one = New-Item -ItemType Directory (Join-Path $root 'dir-one') -Force
        $two = New-Item -ItemType Directory (Join-Path $root 'dir-two') -Force
        Set-Content (Join-Path $one 'config.txt') 'one'
        Set-Content (Join-Path $two 'config.txt') 'two'
        Push-Location $one
        try {
            Invoke-Cached { Get-Content ./config.txt } | Should -Be 'one'
            Set-Location $two
            Invoke-Cached { Get-Content ./config.txt } | Should -Be 'two'
            Set-Location $one
            Invoke-Cached { Step; Get-Content ./config.txt } | Out-Null
            Invoke-Cached { Step; Get-Content ./config.txt } | Should -Be 'one'
            $global:TcRuns | Should -Be 1
        } finally { Pop-Location }
    }
}

Describe 'Sound keys: type identity and exact values' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It '<first> and <second> are different inputs' -ForEach @(
        @{ first = "[char]'a'"; second = "'a'" }
        @{ first = '[DayOfWeek]::Monday'; second = '1' }
        @{ first = '[int]1'; second = '[long]1' }
        @{ first = '[double]1'; second = '[float]1' }
        @{ first = '[double]0'; second = '-0.0' }
        @{ first = '1.0d'; second = '1.00d' }
        @{ first = "[datetime]::SpecifyKind([datetime]'2026-01-01', 'Utc')"; second = "[datetime]::SpecifyKind([datetime]'2026-01-01', 'Local')" }
        @{ first = "[datetimeoffset]::new(2026,1,1,12,0,0,[timespan]0)"; second = "[datetimeoffset]::new(2026,1,1,13,0,0,[timespan]'01:00')" }
        @{ first = "[bigint]::Pow(2,80)"; second = "[bigint]::Pow(2,80) + 1" }
        @{ first = '[int[]](1,2)'; second = '@(1,2)' }
        @{ first = '[Collections.Generic.List[object]]@(1,2)'; second = '@(1,2)' }
        @{ first = "[regex]'a'"; second = "[regex]::new('a','IgnoreCase')" }
        @{ first = "[regex]'a'"; second = "'a'" }
        @{ first = "[pscustomobject]@{ PSTypeName = 'One'; N = 1 }"; second = "[pscustomobject]@{ PSTypeName = 'Two'; N = 1 }" }
    ) {
        # The observer prints what a block can see: type, exact bits or text, type names, count.
        $observe = {
            $t = if ($null -eq $v) { 'null' } else { $v.GetType().FullName }
            $bits = if ($v -is [double]) { [BitConverter]::DoubleToInt64Bits($v) } elseif ($v -is [datetime]) { "$($v.Kind)" } elseif ($v -is [datetimeoffset]) { "$($v.Offset)" } else { '' }
            '{0}|{1}|{2}|{3}|{4}|{5}' -f $t, $v, $bits, ($v.PSTypeNames -join ','), @($v).Count, ($v | ConvertTo-Json -Compress -Depth 3)
        }
        # Dot-sourced assignments: the value arrives as built (output would unroll an int[] into object[]).
        $makeFirst = [scriptblock]::Create("`$v = $first")
        $makeSecond = [scriptblock]::Create("`$v = $second")
        . $makeFirst; $expectedFirst = & $observe
        . $makeSecond; $expectedSecond = & $observe
        $expectedFirst | Should -Not -Be $expectedSecond -Because 'the case must be observable'
        . $makeFirst; Invoke-Cached $observe | Should -Be $expectedFirst
        . $makeSecond; Invoke-Cached $observe | Should -Be $expectedSecond
        . $makeFirst; Invoke-Cached $observe | Should -Be $expectedFirst
    }

    It 'a note property added with Add-Member is part of the value' {
        $x = 'a' | Add-Member -NotePropertyName n -NotePropertyValue 1 -PassThru; Invoke-Cached { $x.n } | Should -Be 1
        $x = 'a' | Add-Member -NotePropertyName n -NotePropertyValue 2 -PassThru; Invoke-Cached { $x.n } | Should -Be 2
        $x = [pscustomobject]@{ N = 1 } | Add-Member -MemberType ScriptProperty -Name Twice -Value { $this.N * 2 } -PassThru
        Invoke-Cached { $x.Twice } | Should -Be 2
        $x = [pscustomobject]@{ N = 1 } | Add-Member -MemberType ScriptProperty -Name Twice -Value { $this.N * 3 } -PassThru
        Invoke-Cached { $x.Twice } | Should -Be 3
    }

    It 'numbers PowerShell has formatted or serialized are keyed as plain numbers (its cached views are not members)' {
        # ConvertTo-Json and formatting make PowerShell cache its psobject/psbase/pstypenames views of the
        # shared boxed small integers; those views show the number itself and must not refuse or split keys.
        $null = 1, 2 | ConvertTo-Json
        $null = 1, 2 | Format-Table | Out-String
        1, 2 | Invoke-Cached { Step; $_ * 10 } | Should -Be 10, 20
        1, 2 | Invoke-Cached { Step; $_ * 10 } | Should -Be 10, 20
        $global:TcRuns | Should -Be 2
    }

    It 'the same PSCustomObject built again hits' {
        $o = [pscustomobject]@{ Name = 'a'; N = 1 }; Invoke-Cached { Step; $o.Name } | Out-Null
        $o = [pscustomobject]@{ Name = 'a'; N = 1 }; Invoke-Cached { Step; $o.Name } | Out-Null
        $global:TcRuns | Should -Be 1
    }

    It 'a Hashtable comparer is part of the key' {
        $h = [hashtable]::new(); $h['a'] = 1; Invoke-Cached { [string]$h['A'] + '|' } | Should -Be '|'
        $h = @{ a = 1 }; Invoke-Cached { [string]$h['A'] + '|' } | Should -Be '1|'
    }

    It 'a value that is not data is refused with TwatCache.Key, naming it and suggesting -Key' -ForEach @(
        @{ what = '[IO.MemoryStream]::new()' }
        @{ what = '[Func[int]]{ 1 }' }
        @{ what = '[Threading.Tasks.Task]::CompletedTask' }
    ) {
        $live = Invoke-Expression $what
        $err = $null
        try { Invoke-Cached { Step; "$live" } } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'TwatCache.Key*'
        $err.Exception.Message | Should -Match '\$live'
        $err.Exception.Message | Should -Match '-Key'
        $global:TcRuns | Should -Be 0
    }

    It '-Key with a hashtable is the same entry in any insertion order' {
        Invoke-Cached { Step; 'first' } -Key @{ a = 1; b = 2 } | Should -Be 'first'
        Invoke-Cached { Step; 'second' } -Key @{ b = 2; a = 1 } | Should -Be 'first'
        $global:TcRuns | Should -Be 1
    }
}

Describe 'Sound keys: script blocks passed as values' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a closure is keyed by what it captured' {
        $f = & { $y = 7; { $y }.GetNewClosure() }; Invoke-Cached { & $f } | Should -Be 7
        $f = & { $y = 8; { $y }.GetNewClosure() }; Invoke-Cached { & $f } | Should -Be 8
        $f = & { $y = 7; { $y }.GetNewClosure() }; Invoke-Cached { Step; & $f } | Out-Null
        $f = & { $y = 7; { $y }.GetNewClosure() }; Invoke-Cached { Step; & $f } | Should -Be 7
        $global:TcRuns | Should -Be 1
    }

    It 'an unbound script block is keyed by the variables it reads' {
        $y = 5; $f = { $y }; Invoke-Cached { & $f } | Should -Be 5
        $y = 6; Invoke-Cached { & $f } | Should -Be 6
    }
}

Describe 'Sound keys: the definitions of the commands a block calls' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a changed function body misses' {
        function Get-TcValue { 'v1' }
        Invoke-Cached { Get-TcValue } | Should -Be 'v1'
        function Get-TcValue { 'v2' }
        Invoke-Cached { Get-TcValue } | Should -Be 'v2'
    }

    It 'a change deep in the functions a function calls misses' {
        function Get-TcInner { 'inner1' }
        function Get-TcOuter { "outer+$(Get-TcInner)" }
        Invoke-Cached { Get-TcOuter } | Should -Be 'outer+inner1'
        function Get-TcInner { 'inner2' }
        Invoke-Cached { Get-TcOuter } | Should -Be 'outer+inner2'
    }

    It 'a function''s parameter default is part of its definition' {
        function Get-TcDefault($x = 1) { $x }
        Invoke-Cached { Get-TcDefault } | Should -Be 1
        function Get-TcDefault($x = 2) { $x }
        Invoke-Cached { Get-TcDefault } | Should -Be 2
    }

    It 'an alias is keyed by its target' {
        function Get-TcA { 'A' }
        function Get-TcB { 'B' }
        Set-Alias tcpick Get-TcA -Scope Script
        Invoke-Cached { tcpick } | Should -Be 'A'
        Set-Alias tcpick Get-TcB -Scope Script
        Invoke-Cached { tcpick } | Should -Be 'B'
    }

    It 'a .ps1 script is keyed by its content' {
        $script = Join-Path $root 'tool.ps1'
        New-Item -ItemType Directory $root -Force | Out-Null
        Set-Content $script "'script one'"
        Invoke-Cached { & $script } | Should -Be 'script one'
        Push-Location $root
        try {
            Invoke-Cached { ./tool.ps1 } | Should -Be 'script one'
            Set-Content $script "'script two, longer'"
            Invoke-Cached { ./tool.ps1 } | Should -Be 'script two, longer'
        } finally { Pop-Location }
    }

    It 'a native program is keyed by the path it resolves to' -Skip:($IsWindows) {
        $one = New-Item -ItemType Directory (Join-Path $root 'bin-one') -Force
        $two = New-Item -ItemType Directory (Join-Path $root 'bin-two') -Force
        foreach ($d in @(@($one, 'one'), @($two, 'two'))) {
            $p = Join-Path $d[0] 'tc-native-tool'
            Set-Content $p "#!/bin/sh`necho $($d[1])"
            & chmod +x $p
        }
        $saved = $env:PATH
        try {
            $env:PATH = "$one$([IO.Path]::PathSeparator)$saved"
            Invoke-Cached { tc-native-tool } | Should -Be 'one'
            $env:PATH = "$two$([IO.Path]::PathSeparator)$saved"
            Invoke-Cached { tc-native-tool } | Should -Be 'two'
        } finally { $env:PATH = $saved }
    }

    It 'unchanged definitions still hit' {
        function Get-TcSame { Step; 'same' }
        Invoke-Cached { Get-TcSame; Get-Date -Year 2026 -Month 1 -Day 1 -Format yyyy } | Out-Null
        Invoke-Cached { Get-TcSame; Get-Date -Year 2026 -Month 1 -Day 1 -Format yyyy } | Should -Be 'same', '2026'
        $global:TcRuns | Should -Be 1
    }
}

Describe 'Sound keys: a block that changes what it reads' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'warns once per block, naming the variable and suggesting -Key' {
        $script:tcCalls = 0
        $out = foreach ($i in 1..3) { Invoke-Cached { $script:tcCalls++; 'c' } 3>&1 }
        $w = @($out | Where-Object { $_ -is [System.Management.Automation.WarningRecord] })
        $w.Count | Should -Be 1
        "$($w[0])" | Should -Match '\$script:tcCalls'
        "$($w[0])" | Should -Match '-Key'
        $script:tcCalls | Should -Be 3
    }

    It 'does not warn for a block that only reads a scope variable' {
        $script:tcRead = 1
        $w = Invoke-Cached { $script:tcRead + 1 } 3>&1 | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }
        @($w).Count | Should -Be 0
    }
}

Describe 'Sound keys: explicit -Key values' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a PSCustomObject -Key is keyed by its properties, and Clear-Cache -Key finds the same entry' {
        Invoke-Cached { Step; 'one' } -Key ([pscustomobject]@{ id = 1 }) | Should -Be 'one'
        Invoke-Cached { Step; 'two' } -Key ([pscustomobject]@{ id = 2 }) | Should -Be 'two'
        Invoke-Cached { Step; 'again' } -Key ([pscustomobject]@{ id = 1 }) | Should -Be 'one'
        $global:TcRuns | Should -Be 2
        Clear-Cache -Key ([pscustomobject]@{ id = 1 }) -Confirm:$false
        Invoke-Cached { Step; 'fresh' } -Key ([pscustomobject]@{ id = 1 }) | Should -Be 'fresh'
        Invoke-Cached { Step; 'kept' } -Key ([pscustomobject]@{ id = 2 }) | Should -Be 'two'
    }
}
