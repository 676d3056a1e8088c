# The one way the Pester suite starts a child pwsh (dot-sourced by TestHelpers.ps1): Invoke-ChildPwsh runs a
# fresh process with the built module imported, its own TWATCACHE_ROOT and environment, stdout and stderr
# captured apart and a timeout that kills it; -NoWait starts it for tests that run several at once or kill one.

function Get-PwshPath {
    # The pwsh apphost beside the running engine: under `dotnet pwsh` (the local tool) the process path is
    # the dotnet host, not pwsh, so [Environment]::ProcessPath cannot be used.
    foreach ($c in (Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe')) { if (Test-Path $c) { return $c } }
    throw "No pwsh in $PSHOME"
}

function Invoke-ChildPwsh {
    <#
    .SYNOPSIS
        Runs a child pwsh and returns its output lines (stdout, then stderr); throws when it exits non-zero or
        outlives -TimeoutSeconds. With -NoWait it returns at once a handle for Wait-ChildPwsh / Stop-ChildPwsh.
    .DESCRIPTION
        -Script runs as `pwsh -Command` after `$ErrorActionPreference = 'Stop'` and, unless -NoModule, an
        Import-Module of the built module. -File runs as `pwsh -File` (nothing added: the file imports what
        it needs). The child inherits this process's environment with TWATCACHE_ROOT set to -Root and the
        -Environment entries applied (an empty or $null value removes the variable). -Launcher runs the
        child under another command (e.g. unshare). With -NoWait, -StreamOutput leaves stdout unread so the
        test can read $child.Process.StandardOutput line by line while the child runs; stderr is always read
        in the background so a chatty child never blocks.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Script')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'Script')] [string] $Script,
        [Parameter(Mandatory, ParameterSetName = 'File')] [string] $File,
        [Parameter(ParameterSetName = 'File')] [string[]] $ArgumentList = @(),
        [string] $Root = $env:TWATCACHE_ROOT,
        [hashtable] $Environment = @{},
        [Parameter(ParameterSetName = 'Script')] [switch] $NoModule,
        [string[]] $Launcher = @(),
        [int] $TimeoutSeconds = 300,
        [switch] $NoWait,
        [switch] $StreamOutput
    )
    $pwshArguments = @('-NoProfile', '-NonInteractive')
    if ($PSCmdlet.ParameterSetName -eq 'File') {
        $pwshArguments += @('-File', $File) + $ArgumentList
    }
    else {
        $preamble = if ($NoModule) { "`$ErrorActionPreference = 'Stop'" } else { "`$ErrorActionPreference = 'Stop'; Import-Module '$script:ModulePath'" }
        $pwshArguments += @('-Command', "$preamble`n$Script")
    }
    $command = @($Launcher) + @(Get-PwshPath) + $pwshArguments
    $psi = [Diagnostics.ProcessStartInfo]::new($command[0])
    foreach ($a in $command | Select-Object -Skip 1) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $variables = @{ TWATCACHE_ROOT = $Root }
    foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
    foreach ($name in $variables.Keys) {
        if ([string]::IsNullOrEmpty($variables[$name])) { $null = $psi.Environment.Remove($name) }
        else { $psi.Environment[$name] = [string]$variables[$name] }
    }
    $process = [Diagnostics.Process]::Start($psi)
    $child = [pscustomobject]@{
        Process = $process
        Out = if ($StreamOutput) { $null } else { $process.StandardOutput.ReadToEndAsync() }
        Err = $process.StandardError.ReadToEndAsync()
    }
    if ($NoWait) { return $child }
    $result = Wait-ChildPwsh $child -TimeoutSeconds $TimeoutSeconds -AssertSuccess
    @($result.Output) + @($result.Error -split "`r?`n" | Where-Object { $_ -ne '' })
}

function Wait-ChildPwsh {
    <#
    .SYNOPSIS
        Waits for a child from Invoke-ChildPwsh -NoWait; returns ExitCode, Output (the non-empty stdout lines) and Error
        (stderr text). A child that outlives -TimeoutSeconds is killed and the call throws; -AssertSuccess
        also throws when the exit code is not 0, with what the child wrote.
    #>
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Child,
        [int] $TimeoutSeconds = 300,
        [switch] $AssertSuccess
    )
    process {
        $p = $Child.Process
        if (-not $p.WaitForExit($TimeoutSeconds * 1000)) {
            $p.Kill($true)
            $p.WaitForExit()
            throw "Child pwsh did not finish in $TimeoutSeconds s and was killed. stderr: $($Child.Err.GetAwaiter().GetResult())"
        }
        $p.WaitForExit() # also waits for the end of the redirected streams
        $out = if ($Child.Out) { $Child.Out.GetAwaiter().GetResult() } else { $p.StandardOutput.ReadToEnd() }
        $result = [pscustomobject]@{
            ExitCode = $p.ExitCode
            Output = [string[]]@($out -split "`r?`n" | Where-Object { $_ -ne '' })
            Error = $Child.Err.GetAwaiter().GetResult()
        }
        $p.Dispose()
        if ($AssertSuccess -and $result.ExitCode -ne 0) { throw "Child pwsh failed ($($result.ExitCode)): $out $($result.Error)" }
        $result
    }
}

function Stop-ChildPwsh {
    # Kills a child from Invoke-ChildPwsh -NoWait at once (SIGKILL on Unix, as kill -9) and returns what it wrote (see Wait-ChildPwsh).
    param([Parameter(Mandatory, Position = 0)] $Child)
    $Child.Process.Kill($true)
    Wait-ChildPwsh $Child
}
