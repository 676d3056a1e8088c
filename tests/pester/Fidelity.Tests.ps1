# Fidelity (issue 14): Invoke-Cached { X } behaves like & { X } on a miss and on a hit: output objects,
# pipeline semantics, streams, error records and $LASTEXITCODE. One Describe per item of the issue, then a
# differential test that runs a set of blocks uncached and cached and compares what comes out.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    . (Join-Path $PSScriptRoot 'RedisTestHelpers.ps1')
    $script:redis = Start-TestRedis

    # A stable text for one output or stream item, so that two runs can be compared item by item.
    function script:Get-ItemShape($x) {
        if ($null -eq $x) { return 'null' }
        $bare = if ($x -is [psobject]) { $x.psobject.BaseObject } else { $x }
        if ($bare -is [System.Management.Automation.ErrorRecord]) {
            return "E:$($bare.FullyQualifiedErrorId)|$($bare.CategoryInfo.Category)|$($bare.TargetObject)|$($bare.Exception.GetType().Name)|$($bare.Exception.Message)|$($bare.InvocationInfo.MyCommand.Name)"
        }
        if ($bare -is [System.Management.Automation.WarningRecord]) { return "W:$($bare.Message)" }
        if ($bare -is [System.Management.Automation.VerboseRecord]) { return "V:$($bare.Message)" }
        if ($bare -is [System.Management.Automation.DebugRecord]) { return "D:$($bare.Message)" }
        if ($bare -is [System.Management.Automation.InformationRecord]) { return "I:$($bare.MessageData)" }
        if ($bare -is [array]) { return '[' + (@($bare | ForEach-Object { Get-ItemShape $_ }) -join ',') + ']' }
        if ($bare -is [hashtable]) { return '@{' + (@($bare.Keys | Sort-Object | ForEach-Object { "$_=$(Get-ItemShape $bare[$_])" }) -join ';') + '}' }
        return "$($bare.GetType().Name):$bare"
    }

    # Runs $Run with every stream merged; returns the shapes in order, a caught terminating error last,
    # and $LASTEXITCODE afterwards (99 before the run, so "not set" shows as 99).
    function script:Invoke-Captured([scriptblock] $Run) {
        $ErrorActionPreference = 'Continue'
        $global:LASTEXITCODE = 99
        $shapes = [System.Collections.Generic.List[string]]::new()
        try { & $Run *>&1 | ForEach-Object { $shapes.Add((Get-ItemShape $_)) } }
        catch { $shapes.Add('THROW ' + (Get-ItemShape $_)) }
        [pscustomobject]@{ Shapes = @($shapes); ExitCode = $global:LASTEXITCODE }
    }

    function script:Get-OutputShapes([object[]] $Shapes) {
        @($Shapes | Where-Object { $_ -notmatch '^(E|W|V|D|I):' })
    }
}

AfterAll { Stop-TestRedis $script:redis }

Describe 'Fidelity 1: pipeline blocks run with PowerShell''s pipeline semantics' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'process {} sees each item, on the miss and on the hit' {
        1, 2 | Invoke-Cached { process { Step; "P$_" } } | Should -Be 'P1', 'P2'
        1, 2 | Invoke-Cached { process { Step; "P$_" } } | Should -Be 'P1', 'P2'
        $global:TcRuns | Should -Be 2   # one run over both items; the second call is a hit
    }

    It 'begin and end run once per call: B, P1, P2, E' {
        1, 2 | Invoke-Cached { begin { 'B' } process { "P$_" } end { 'E' } } | Should -Be 'B', 'P1', 'P2', 'E'
        1, 2 | Invoke-Cached { begin { 'B' } process { "P$_" } end { 'E' } } | Should -Be 'B', 'P1', 'P2', 'E'
    }

    It 'a ValueFromPipeline parameter is bound' {
        1, 2 | Invoke-Cached { param([Parameter(ValueFromPipeline)] $x) process { "x=$x" } } | Should -Be 'x=1', 'x=2'
        1, 2 | Invoke-Cached { param([Parameter(ValueFromPipeline)] $x) process { "x=$x" } } | Should -Be 'x=1', 'x=2'
    }

    It 'a ValueFromPipelineByPropertyName parameter is bound' {
        $items = [pscustomobject]@{ Name = 'a' }, [pscustomobject]@{ Name = 'b' }
        $items | Invoke-Cached { param([Parameter(ValueFromPipelineByPropertyName)] $Name) process { "n=$Name" } } | Should -Be 'n=a', 'n=b'
    }

    It '$input holds the items' {
        1, 2 | Invoke-Cached { Step; "in: $(@($input) -join ',')" } | Should -Be 'in: 1,2'
        1, 2 | Invoke-Cached { Step; "in: $(@($input) -join ',')" } | Should -Be 'in: 1,2'
        $global:TcRuns | Should -Be 1
    }

    It 'the whole input list is the key: another list, or the same items in another order, misses' {
        1, 2 | Invoke-Cached { process { Step; "P$_" } } | Out-Null
        1, 2, 3 | Invoke-Cached { process { Step; "P$_" } } | Should -Be 'P1', 'P2', 'P3'
        2, 1 | Invoke-Cached { process { Step; "P$_" } } | Should -Be 'P2', 'P1'
        $global:TcRuns | Should -Be 7
    }

    It 'without pipeline input the process block runs once, as & { } does' {
        Invoke-Cached { begin { 'B' } process { 'P' } end { 'E' } } | Should -Be 'B', 'P', 'E'
        Invoke-Cached { begin { 'B' } process { 'P' } end { 'E' } } | Should -Be 'B', 'P', 'E'
    }

    It 'a plain block keeps the per-item model: partial hits still give the output in order' {
        1, 2 | Invoke-Cached { Step; "item $_" } | Should -Be 'item 1', 'item 2'
        0, 1, 2, 3 | Invoke-Cached { Step; "item $_" } | Should -Be 'item 0', 'item 1', 'item 2', 'item 3'
        $global:TcRuns | Should -Be 4
    }

    It 'the block sees the caller''s $PSCmdlet (an enclosing advanced function''s, or none), as & { } does' {
        function Get-SeenCmdlet { [CmdletBinding()] param() Invoke-Cached { if ($PSCmdlet) { $PSCmdlet.MyInvocation.MyCommand.Name } else { 'none' } } -Engine Memory -Key 'seen-in-function' }
        Get-SeenCmdlet | Should -Be 'Get-SeenCmdlet'
        # Here (inside the test runner's script) the caller's $PSCmdlet is whatever & { } sees.
        $uncached = & { if ($PSCmdlet) { $PSCmdlet.MyInvocation.MyCommand.Name } else { 'none' } }
        Invoke-Cached { if ($PSCmdlet) { $PSCmdlet.MyInvocation.MyCommand.Name } else { 'none' } } -Engine Memory -Key 'seen-here' | Should -Be $uncached
    }

    It 'a plain block without input sees the caller''s $_, as & { } does, and that $_ is part of its key' {
        1..3 | ForEach-Object { Invoke-Cached { Step; "outer=$_" } } | Should -Be 'outer=1', 'outer=2', 'outer=3'
        1..3 | ForEach-Object { Invoke-Cached { Step; "outer=$_" } } | Should -Be 'outer=1', 'outer=2', 'outer=3'
        $global:TcRuns | Should -Be 3
    }
}

Describe 'Fidelity 2: output replays exactly on <engine>' -ForEach @(
    @{ engine = 'Memory' }, @{ engine = 'LiteDb' }, @{ engine = 'File' }, @{ engine = 'Redis' }, @{ engine = 'Auto' }
) {
    BeforeEach { $root = New-TestCacheRoot; $ctx = New-TestContext $engine -Prefix fid -Redis $redis }
    AfterEach { $ctx.Dispose(); Remove-TestCacheRoot $root }

    It '$null items survive the miss and the hit' {
        $miss = @(Invoke-Cached { Step; 'x'; $null; 'z' } -Context $ctx)
        $hit = @(Invoke-Cached { Step; 'x'; $null; 'z' } -Context $ctx)
        foreach ($r in $miss, $hit) {
            $r.Count | Should -Be 3
            $r[0] | Should -Be 'x'
            $r[1] | Should -BeNullOrEmpty
            $null -eq $r[1] | Should -BeTrue
            $r[2] | Should -Be 'z'
        }
        $global:TcRuns | Should -Be 1
    }

    It 'an array written as one object (-NoEnumerate, nested) stays one array' {
        $block = { Step; Write-Output -NoEnumerate @(1, @(2, 3)); 'tail' }
        $miss = @(Invoke-Cached $block -Context $ctx)
        $hit = @(Invoke-Cached $block -Context $ctx)
        foreach ($r in $miss, $hit) {
            $r.Count | Should -Be 2
            , $r[0] | Should -BeOfType [array]
            $r[0].Count | Should -Be 2
            , $r[0][1] | Should -BeOfType [array]
            $r[0][1] | Should -Be 2, 3
            $r[1] | Should -Be 'tail'
        }
        $global:TcRuns | Should -Be 1
    }

    It 'a block whose only output is $null stores and replays that one $null item' {
        @(Invoke-Cached { Step; $null } -Context $ctx).Count | Should -Be 1
        @(Invoke-Cached { Step; $null } -Context $ctx).Count | Should -Be 1
        $global:TcRuns | Should -Be 1
    }
}

Describe 'Fidelity 3: native stderr stays on the error stream on <engine>' -ForEach @(
    @{ engine = 'Memory' }, @{ engine = 'LiteDb' }, @{ engine = 'File' }, @{ engine = 'Redis' }
) {
    BeforeEach { $root = New-TestCacheRoot; $ctx = New-TestContext $engine -Prefix fid -Redis $redis }
    AfterEach { $ctx.Dispose(); Remove-TestCacheRoot $root }

    It 'returns one String on the miss and on the hit; stderr is an error record on the miss only' {
        $miss = @(Invoke-Cached { sh -c 'echo data; echo progress >&2' } -Context $ctx 2>&1)
        $hit = @(Invoke-Cached { sh -c 'echo data; echo progress >&2' } -Context $ctx 2>&1)
        $missOut = @($miss | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
        $missErr = @($miss | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $missOut | Should -Be 'data'
        $missOut[0] | Should -BeOfType [string]
        "$($missErr[0])" | Should -Be 'progress'
        $hit.Count | Should -Be 1
        $hit[0] | Should -BeOfType [string]
        $hit[0] | Should -Be 'data'
    }
}

Describe 'Fidelity 4: a native command that exits non-zero is a failure, and $LASTEXITCODE replays, on <engine>' -ForEach @(
    @{ engine = 'Memory' }, @{ engine = 'LiteDb' }, @{ engine = 'File' }, @{ engine = 'Redis' }
) {
    BeforeAll {
        function global:Get-NativeSource {
            Step
            if ($global:TcDown) { sh -c 'echo bad; exit 2' } else { sh -c 'echo good' }
        }
    }
    AfterAll { Remove-Item Function:\Get-NativeSource -ErrorAction SilentlyContinue }
    BeforeEach { $root = New-TestCacheRoot; $global:TcDown = $false; $ctx = New-TestContext $engine -Prefix fid -Redis $redis }
    AfterEach { $ctx.Dispose(); Remove-TestCacheRoot $root }

    It 'exit 7 is not stored; each call runs and leaves $LASTEXITCODE 7' {
        Invoke-Cached { Step; sh -c 'echo partial; exit 7' } -Context $ctx | Should -Be 'partial'
        $LASTEXITCODE | Should -Be 7
        $global:LASTEXITCODE = 0
        Invoke-Cached { Step; sh -c 'echo partial; exit 7' } -Context $ctx | Should -Be 'partial'
        $LASTEXITCODE | Should -Be 7
        $global:TcRuns | Should -Be 2
    }

    It '-CacheOnError stores it, and the hit sets $LASTEXITCODE 7 again' {
        Invoke-Cached { Step; sh -c 'echo partial; exit 7' } -Context $ctx -CacheOnError | Should -Be 'partial'
        $global:LASTEXITCODE = 0
        Invoke-Cached { Step; sh -c 'echo partial; exit 7' } -Context $ctx -CacheOnError | Should -Be 'partial'
        $LASTEXITCODE | Should -Be 7
        $global:TcRuns | Should -Be 1
    }

    It 'a successful native run is stored with exit code 0, which the hit sets' {
        Invoke-Cached { Step; sh -c 'echo ok' } -Context $ctx | Should -Be 'ok'
        $global:LASTEXITCODE = 5
        Invoke-Cached { Step; sh -c 'echo ok' } -Context $ctx | Should -Be 'ok'
        $LASTEXITCODE | Should -Be 0
        $global:TcRuns | Should -Be 1
    }

    It 'a block that runs no native command leaves $LASTEXITCODE alone on the miss and the hit' {
        $global:LASTEXITCODE = 4
        Invoke-Cached { Step; 'pure' } -Context $ctx | Out-Null
        $LASTEXITCODE | Should -Be 4
        Invoke-Cached { Step; 'pure' } -Context $ctx | Out-Null
        $LASTEXITCODE | Should -Be 4
        $global:TcRuns | Should -Be 1
    }

    It 'a block that exits with the code $LASTEXITCODE already had is still seen as failing' {
        $global:LASTEXITCODE = 7
        Invoke-Cached { Step; sh -c 'echo partial; exit 7' } -Context $ctx | Out-Null
        Invoke-Cached { Step; sh -c 'echo partial; exit 7' } -Context $ctx | Out-Null
        $global:TcRuns | Should -Be 2
    }

    It '-FailSafe: a refresh that exits 2 keeps the good entry and serves it with one warning' {
        Invoke-Cached { Get-NativeSource } -Context $ctx -Ttl 300ms -FailSafe | Should -Be 'good'
        Start-Sleep -Milliseconds 500
        $global:TcDown = $true
        $result = Invoke-Cached { Get-NativeSource } -Context $ctx -Ttl 300ms -FailSafe -WarningVariable warnings -WarningAction SilentlyContinue
        $result | Should -Be 'good'
        $LASTEXITCODE | Should -Be 0
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match 'exit code 2'
        # The good entry is still there: the next failing refresh serves it again.
        Invoke-Cached { Get-NativeSource } -Context $ctx -Ttl 300ms -FailSafe -WarningAction SilentlyContinue | Should -Be 'good'
        $global:TcRuns | Should -Be 3
    }
}

Describe 'Fidelity 4b: entries stored before exit codes were kept read as before' {
    BeforeEach { $root = New-TestCacheRoot; $ctx = New-TestContext LiteDb -Prefix fid }
    AfterEach { $ctx.Dispose(); Remove-TestCacheRoot $root }

    It 'an old CliXml output list is replayed, $null item included, and sets no exit code' {
        # The first format: the output list itself as one CliXml document (what the serializer writes for object[]).
        $hash = $ctx.HashKey([TwatCache.PowerShell.Keys.InvocationKey]::ForExplicitKey('old-entry'))
        $ctx.SetByHash($hash, [object[]]@('old', $null), [object[]])
        $global:LASTEXITCODE = 3
        $r = @(Invoke-Cached { 'the block ran' } -Key 'old-entry' -Context $ctx)
        $r.Count | Should -Be 2
        $r[0] | Should -Be 'old'
        $null -eq $r[1] | Should -BeTrue
        $LASTEXITCODE | Should -Be 3
    }
}

Describe 'Fidelity 5: streams the block asks for show on a miss' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'Write-Verbose -Verbose inside the block writes a verbose record' {
        $r = @(Invoke-Cached { Write-Verbose 'V' -Verbose; 'o' } 4>&1)
        ($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Be 'V'
    }

    It '$VerbosePreference set inside the block applies' {
        $r = @(Invoke-Cached { $VerbosePreference = 'Continue'; Write-Verbose 'V2'; 'o' } 4>&1)
        ($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -Be 'V2'
    }

    It 'Write-Information -InformationAction Continue and Write-Debug -Debug inside the block write records' {
        $r = @(Invoke-Cached { Write-Information 'I' -InformationAction Continue; Write-Debug 'D' -Debug; 'o' } 6>&1 5>&1)
        ($r | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).MessageData | Should -Be 'I'
        ($r | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Message | Should -Be 'D'
    }

    It '*>&1 keeps every record, in the order the block wrote them' {
        $r = @(Invoke-Cached { 'a'; Write-Verbose 'V' -Verbose; Write-Warning 'W'; 'b' } *>&1 | ForEach-Object { Get-ItemShape $_ })
        $r | Should -Be 'String:a', 'V:V', 'W:W', 'String:b'
    }

    It 'records the caller merges into the output (*>&1, 2>&1) are never stored: the hit replays output only' {
        $global:TcRuns = 0
        @(Invoke-Cached { Step; 'a'; Write-Verbose 'V' -Verbose; Write-Warning 'W'; sh -c 'echo err >&2'; 'b' } *>&1).Count | Should -Be 5
        $hit = @(Invoke-Cached { Step; 'a'; Write-Verbose 'V' -Verbose; Write-Warning 'W'; sh -c 'echo err >&2'; 'b' } *>&1)
        $hit | Should -Be 'a', 'b'
        $global:TcRuns | Should -Be 1
    }

    It '-WarningAction inside the block silences its warning; the caller''s 3>$null silences all' {
        @(Invoke-Cached { Write-Warning 'hidden' -WarningAction SilentlyContinue; 'o' } 3>&1) | Should -Be 'o'
        @(Invoke-Cached { Write-Warning 'shown'; 'o2' } 3>$null) | Should -Be 'o2'
    }

    It '-WarningVariable and -InformationVariable of Invoke-Cached collect the block''s records' {
        Invoke-Cached { Write-Warning 'careful'; Write-Information 'fyi'; 'o3' } -WarningVariable w -InformationVariable i -WarningAction SilentlyContinue | Should -Be 'o3'
        "$w" | Should -Be 'careful'
        "$i" | Should -Be 'fyi'
    }
}

Describe 'Fidelity 6: error records leave Invoke-Cached unchanged' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a terminating cmdlet error keeps its id, category, target and invocation info' {
        $err = $null
        try { Invoke-Cached { Get-Item /nonexistent-twatcache -ErrorAction Stop } } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.TargetObject | Should -Be '/nonexistent-twatcache'
        $err.InvocationInfo.MyCommand.Name | Should -Be 'Get-Item'
        $err.Exception | Should -BeOfType [System.Management.Automation.ItemNotFoundException]
    }

    It 'a non-terminating error keeps its record and reaches -ErrorVariable' {
        $ErrorActionPreference = 'Continue'
        $ev = $null
        Invoke-Cached { Get-Item /nonexistent-twatcache; 'after' } -ErrorVariable ev 2>$null | Should -Be 'after'
        $ev.Count | Should -Be 1
        $ev[0].FullyQualifiedErrorId | Should -Be 'PathNotFound,Microsoft.PowerShell.Commands.GetItemCommand'
        $ev[0].InvocationInfo.MyCommand.Name | Should -Be 'Get-Item'
    }

    It 'a thrown error and a .NET method error keep their ids and exception types' {
        $e1 = $null; $e2 = $null
        try { Invoke-Cached { throw [System.IO.FileNotFoundException]::new('gone', 'f.txt') } } catch { $e1 = $_ }
        try { Invoke-Cached { [int]::Parse('x') } } catch { $e2 = $_ }
        $e1.Exception | Should -BeOfType [System.IO.FileNotFoundException]
        $e1.FullyQualifiedErrorId | Should -Be 'gone'
        $e2.FullyQualifiedErrorId | Should -Be 'FormatException'
        $e2.Exception | Should -BeOfType [System.Management.Automation.MethodInvocationException]
    }
}

Describe 'Fidelity 7: a hit never hands out an object another caller changed, on <engine>' -ForEach @(
    @{ engine = 'Auto' }, @{ engine = 'LiteDb' }, @{ engine = 'File' }, @{ engine = 'Redis' }, @{ engine = 'AutoRedis' }
) {
    BeforeEach { $root = New-TestCacheRoot; $ctx = New-TestContext $engine -Prefix fid -Redis $redis }
    AfterEach { $ctx.Dispose(); Remove-TestCacheRoot $root }

    It 'editing a returned hashtable (miss or hit) does not change the next hit' {
        $miss = Invoke-Cached { @{ count = 1; list = [System.Collections.ArrayList]@(1) } } -Context $ctx
        $miss.count = 99
        $hit = Invoke-Cached { @{ count = 1; list = [System.Collections.ArrayList]@(1) } } -Context $ctx
        $hit.count | Should -Be 1
        $hit.count = 50
        $null = $hit.list.Add(2)
        $again = Invoke-Cached { @{ count = 1; list = [System.Collections.ArrayList]@(1) } } -Context $ctx
        $again.count | Should -Be 1
        @($again.list).Count | Should -Be 1
    }

    It 'editing a returned object''s property does not change the next hit' {
        $first = Invoke-Cached { [pscustomobject]@{ Name = 'n' } } -Context $ctx
        $first.Name = 'changed'
        (Invoke-Cached { [pscustomobject]@{ Name = 'n' } } -Context $ctx).Name | Should -Be 'n'
    }
}

Describe 'Fidelity 7b: -Engine Memory hands out shared live objects (documented)' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'a change to a returned hashtable is seen by the next hit in this process' {
        $r = Invoke-Cached { @{ count = 1 } } -Engine Memory -Key 'shared-live'
        $r.count = 99
        (Invoke-Cached { @{ count = 1 } } -Engine Memory -Key 'shared-live').count | Should -Be 99
    }
}

Describe 'Fidelity 8: -Verbose says why nothing was stored when a later command stops the block' {
    BeforeEach { $root = New-TestCacheRoot }
    AfterEach { Remove-TestCacheRoot $root }

    It 'Select-Object -First 1 stops the block; the verbose stream says it was not cached and why' {
        $log = Join-Path $root 'verbose.txt'
        New-Item -ItemType Directory $root -Force | Out-Null
        Invoke-Cached { Step; 1; 2; 3 } -Verbose 4> $log | Select-Object -First 1 | Should -Be 1
        (Get-Content $log) -join "`n" | Should -Match 'Not cached: the pipeline stopped before the block finished'
        Invoke-Cached { Step; 1; 2; 3 } | Select-Object -First 1 | Out-Null
        $global:TcRuns | Should -Be 2
    }
}

Describe 'Fidelity: cached vs uncached, block by block, on <engine>' -ForEach @(
    @{ engine = 'Memory' }, @{ engine = 'LiteDb' }, @{ engine = 'File' }, @{ engine = 'Auto' }, @{ engine = 'Redis' }
) {
    BeforeAll {
        $pwsh = Get-PwshPath
        # Plain blocks compare with & { }; with pipeline input, a plain block compares with ForEach-Object
        # (Invoke-Cached's documented per-item model) and a pipeline block with `$items | & { }`.
        $script:cases = @(
            @{ Name = 'scalars and $null'; Block = { 'a'; 1; $null; 'z' } }
            @{ Name = 'arrays as one object'; Block = { Write-Output -NoEnumerate @(1, 2); , @('x', @('y', 'z')) } }
            @{ Name = 'hashtable'; Block = { @{ k = 'v'; n = 2 } } }
            @{ Name = 'streams'; Block = { Write-Verbose 'V' -Verbose; 'o'; Write-Information 'I' -InformationAction Continue; Write-Warning 'W'; Write-Debug 'D' -Debug } }
            @{ Name = 'preference inside'; Block = { $VerbosePreference = 'Continue'; Write-Verbose 'pref'; 'o' } }
            @{ Name = 'native stderr'; Block = { sh -c 'echo data; echo progress >&2' }; Native = $true }
            @{ Name = 'native exit 7'; Block = { sh -c 'echo partial; exit 7' } }
            @{ Name = 'native exit 0'; Block = { sh -c 'echo ok' } }
            @{ Name = 'child pwsh exit 3'; Block = { & $pwsh -NoProfile -NonInteractive -Command "'from child'; [Console]::Error.WriteLine('child stderr'); exit 3" }; Native = $true }
            @{ Name = 'Write-Error'; Block = { Write-Error 'soft'; 'after' } }
            @{ Name = 'cmdlet error'; Block = { Get-Item /nonexistent-twatcache; 'after' } }
            @{ Name = 'terminating cmdlet error'; Block = { 'before'; Get-Item /nonexistent-twatcache -ErrorAction Stop; 'never' } }
            @{ Name = 'throw'; Block = { 'before'; throw 'boom' } }
            @{ Name = '.NET method error'; Block = { [int]::Parse('x') } }
            @{ Name = 'begin/process/end'; Block = { begin { 'B' } process { "P$_" } end { 'E' } }; Input = @(1, 2) }
            @{ Name = 'ValueFromPipeline'; Block = { param([Parameter(ValueFromPipeline)] $x) process { $x * 10 } }; Input = @(1, 2) }
            @{ Name = '$input'; Block = { "in: $(@($input) -join ',')" }; Input = @(1, 2) }
            @{ Name = 'plain per item'; Block = { "item $_"; Write-Verbose "v$_" -Verbose }; Input = @(1, 2); PerItem = $true }
        )
    }
    BeforeEach { $root = New-TestCacheRoot; $ctx = New-TestContext $engine -Prefix fid -Redis $redis }
    AfterEach { $ctx.Dispose(); Remove-TestCacheRoot $root }

    It 'gives the same output, records and $LASTEXITCODE as uncached on the miss, and the same output and exit code on the hit' {
        $failures = [System.Collections.Generic.List[string]]::new()
        foreach ($case in $cases) {
            $block = $case.Block
            $in = $case.Input
            if ($null -eq $in) {
                $reference = Invoke-Captured { & $block }
                $cached = { Invoke-Cached $block -Context $ctx }
            } elseif ($case.PerItem) {
                $reference = Invoke-Captured { $in | ForEach-Object $block }
                $cached = { $in | Invoke-Cached $block -Context $ctx }
            } else {
                $reference = Invoke-Captured { $in | & $block }
                $cached = { $in | Invoke-Cached $block -Context $ctx }
            }
            $miss = Invoke-Captured $cached
            $hit = Invoke-Captured $cached
            # A native command's stdout and stderr are read apart, so their interleaving is not fixed even
            # uncached: for those blocks each stream is compared in its own order.
            $missShapes = $miss.Shapes; $referenceShapes = $reference.Shapes
            if ($case.Native) {
                $missShapes = @(Get-OutputShapes $miss.Shapes) + @($miss.Shapes -match '^(E|W|V|D|I):')
                $referenceShapes = @(Get-OutputShapes $reference.Shapes) + @($reference.Shapes -match '^(E|W|V|D|I):')
            }
            if (($missShapes -join "`n") -ne ($referenceShapes -join "`n")) {
                $failures.Add("$($case.Name), miss: expected [$($reference.Shapes -join ' ; ')] got [$($miss.Shapes -join ' ; ')]")
            }
            if ($miss.ExitCode -ne $reference.ExitCode) { $failures.Add("$($case.Name), miss: exit code $($miss.ExitCode), uncached $($reference.ExitCode)") }
            # A hit replays output objects and the exit code; stream records are not replayed (documented).
            # A run that failed was not stored, so its "hit" is another miss and must match in full.
            $hitExpected = if ($hit.Shapes -match '^(E|THROW)' -or $reference.ExitCode -notin 0, 99) { $reference.Shapes } else { Get-OutputShapes $reference.Shapes }
            if (($hit.Shapes -join "`n") -ne ($hitExpected -join "`n")) {
                $failures.Add("$($case.Name), hit: expected [$($hitExpected -join ' ; ')] got [$($hit.Shapes -join ' ; ')]")
            }
            if ($hit.ExitCode -ne $reference.ExitCode) { $failures.Add("$($case.Name), hit: exit code $($hit.ExitCode), uncached $($reference.ExitCode)") }
        }
        $failures | Should -BeNullOrEmpty
    }
}
