# Helpers for Redis.Tests.ps1: a real redis-server on a free loopback port, started and stopped by the tests.

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Start-TestRedis {
    # Starts redis-server without persistence (on -Port, else a free port) and waits until it accepts connections.
    param([int] $Port = (Get-FreeTcpPort))
    $exe = (Get-Command redis-server -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
    if (-not $exe) { throw 'redis-server is not installed (apt-get install redis-server; .ci/run does it).' }
    $log = Join-Path ([IO.Path]::GetTempPath()) "twatcache-redis-$Port.log"
    $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
    foreach ($a in '--port', "$Port", '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', $log) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $deadline = [DateTime]::UtcNow.AddSeconds(20)
    while ($true) {
        if ($process.HasExited) { throw "redis-server exited with code $($process.ExitCode) on port $Port (log: $log)." }
        $probe = [System.Net.Sockets.TcpClient]::new()
        try { $probe.Connect([System.Net.IPAddress]::Loopback, $Port); break }
        catch { if ([DateTime]::UtcNow -gt $deadline) { throw "redis-server did not listen on port $Port." }; Start-Sleep -Milliseconds 50 }
        finally { $probe.Dispose() }
    }
    # Generous timeouts: the test machine can be very busy (the engine's short defaults apply to the down-server tests).
    [pscustomobject]@{ Port = $Port; Process = $process; ConnectionString = "127.0.0.1:$Port,connectTimeout=15000,syncTimeout=15000,asyncTimeout=15000"; Log = $log }
}

function Stop-TestRedis {
    # Kills the server, as a crash or a lost host would.
    param($Redis)
    if (-not $Redis -or -not $Redis.Process) { return }
    if (-not $Redis.Process.HasExited) { $Redis.Process.Kill(); $Redis.Process.WaitForExit(10000) | Out-Null }
    $Redis.Process.Dispose()
    $Redis.Process = $null
    Remove-Item $Redis.Log -ErrorAction SilentlyContinue
}

function Invoke-RedisCli {
    # redis-cli against the test server; returns its output lines.
    param([Parameter(Mandatory)] $Redis, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $out = & redis-cli -h 127.0.0.1 -p $Redis.Port @Arguments
    if ($LASTEXITCODE -ne 0) { throw "redis-cli $Arguments failed ($LASTEXITCODE): $out" }
    $out
}

function Start-ChildPwsh {
    # Starts a pwsh process running $Script with the built module imported; Wait-ChildPwsh collects its output.
    param([Parameter(Mandatory)] [string] $Script, [string] $Root = $env:TWATCACHE_ROOT)
    $full = "`$ErrorActionPreference = 'Stop'; `$env:TWATCACHE_ROOT = '$Root'; Import-Module '$script:ModulePath'`n$Script"
    $psi = [System.Diagnostics.ProcessStartInfo]::new((Get-PwshPath))
    foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $full) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $p = [System.Diagnostics.Process]::Start($psi)
    [pscustomobject]@{ Process = $p; Out = $p.StandardOutput.ReadToEndAsync(); Err = $p.StandardError.ReadToEndAsync() }
}

function Wait-ChildPwsh {
    param([Parameter(Mandatory)] $Child)
    if (-not $Child.Process.WaitForExit(120000)) { $Child.Process.Kill(); throw 'Child pwsh did not finish in 2 minutes.' }
    $out = $Child.Out.GetAwaiter().GetResult()
    $err = $Child.Err.GetAwaiter().GetResult()
    if ($Child.Process.ExitCode -ne 0) { throw "Child pwsh failed ($($Child.Process.ExitCode)): $out $err" }
    @($out -split "`r?`n" | Where-Object { $_ -ne '' })
}
