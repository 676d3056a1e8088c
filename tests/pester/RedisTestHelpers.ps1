# Helpers for the Redis tests: a Redis-protocol server on a free loopback port, started and stopped by the
# tests (Garnet from tests/TwatCache.TestRedisServer by default; TWATCACHE_TEST_REDIS=redis-server for a real
# redis-server), and a small RESP client so no redis-cli is needed.

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-TestRedisKind {
    # Which server the tests start: 'garnet' (default: the bundled tests/TwatCache.TestRedisServer) or
    # 'redis-server' (or a path to one), chosen by $env:TWATCACHE_TEST_REDIS.
    if ([string]::IsNullOrWhiteSpace($env:TWATCACHE_TEST_REDIS)) { 'garnet' } else { $env:TWATCACHE_TEST_REDIS.Trim() }
}

function Get-GarnetServerStart {
    # The dotnet host and the built test server dll ($env:TWATCACHE_TEST_GARNET, set by build.ps1 Test).
    $dll = $env:TWATCACHE_TEST_GARNET
    if (-not $dll) {
        $project = Join-Path $PSScriptRoot '../TwatCache.TestRedisServer'
        $dll = @('Release', 'Debug' | ForEach-Object { Join-Path $project "bin/$_/net10.0/TwatCache.TestRedisServer.dll" } | Where-Object { Test-Path $_ })[0]
        if (-not $dll) { throw "The Garnet test server is not built: run 'dotnet pwsh ./build.ps1 Test' (or dotnet build tests/TwatCache.TestRedisServer -c Release)." }
    }
    $dotnet = $env:TWATCACHE_TEST_DOTNET
    if (-not $dotnet) { $dotnet = $env:DOTNET_HOST_PATH }
    if (-not $dotnet) { $dotnet = (Get-Command dotnet -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source }
    [pscustomobject]@{ Exe = $dotnet; Arguments = @($dll) }
}

function Start-TestRedis {
    # Starts a Redis-protocol server without persistence (on -Port, else a free port) and waits until it
    # accepts connections: Garnet by default, a real redis-server with TWATCACHE_TEST_REDIS=redis-server.
    param([int] $Port = (Get-FreeTcpPort))
    $kind = Get-TestRedisKind
    $log = Join-Path ([IO.Path]::GetTempPath()) "twatcache-redis-$Port.log"
    if ($kind -eq 'garnet') {
        $start = Get-GarnetServerStart
        $psi = [System.Diagnostics.ProcessStartInfo]::new($start.Exe)
        # --exit-with: the server also goes when this test process dies without stopping it.
        foreach ($a in @($start.Arguments) + @('--port', "$Port", '--exit-with', "$PID")) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
    }
    else {
        $exe = (Get-Command $kind -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        if (-not $exe) { throw "$kind is not installed (TWATCACHE_TEST_REDIS=$kind); unset TWATCACHE_TEST_REDIS to use the bundled Garnet server." }
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
        foreach ($a in '--port', "$Port", '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--logfile', $log) { $psi.ArgumentList.Add($a) }
    }
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    if ($kind -eq 'garnet') {
        # Drain its console output (into the log) so a full pipe never blocks it.
        $process.StandardOutput.BaseStream.CopyToAsync([IO.File]::Create($log)) | Out-Null
        $process.StandardError.BaseStream.CopyToAsync([IO.Stream]::Null) | Out-Null
    }
    $deadline = [DateTime]::UtcNow.AddSeconds(60)
    while ($true) {
        if ($process.HasExited) { throw "$kind exited with code $($process.ExitCode) on port $Port (log: $log)." }
        $probe = [System.Net.Sockets.TcpClient]::new()
        try { $probe.Connect([System.Net.IPAddress]::Loopback, $Port); break }
        catch { if ([DateTime]::UtcNow -gt $deadline) { throw "$kind did not listen on port $Port." }; Start-Sleep -Milliseconds 50 }
        finally { $probe.Dispose() }
    }
    # Generous timeouts: the test machine can be very busy (the engine's short defaults apply to the down-server tests).
    [pscustomobject]@{ Port = $Port; Kind = $kind; Process = $process; ConnectionString = "127.0.0.1:$Port,connectTimeout=15000,syncTimeout=15000,asyncTimeout=15000"; Log = $log }
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

function Invoke-RedisCommand {
    # One command against the test server over RESP (no redis-cli needed). Arrays come back one item per
    # line of output, as redis-cli prints them; INFO comes back as its lines.
    param([Parameter(Mandatory)] $Redis, [Parameter(ValueFromRemainingArguments)] [string[]] $Arguments)
    $reply = Send-RespCommand -Port $Redis.Port -Arguments $Arguments
    if ($Arguments[0] -eq 'INFO') { return @($reply -split "`r?`n" | Where-Object { $_ }) }
    $reply
}

function Get-RedisKeys {
    # Every key matching -Pattern, by SCAN (what redis-cli --scan --pattern does).
    param([Parameter(Mandatory)] $Redis, [Parameter(Mandatory)] [string] $Pattern)
    $cursor = '0'
    do {
        $page = Send-RespCommand -Port $Redis.Port -Arguments 'SCAN', $cursor, 'MATCH', $Pattern, 'COUNT', '1000'
        $cursor = $page[0]
        foreach ($k in $page[1]) { $k }
    } while ($cursor -ne '0')
}

function Copy-RedisKey {
    # Copies a hash with its lifetime onto another key, server-side so binary payloads stay intact
    # (COPY is Redis 6.2+ and not in Garnet). Returns 1 when the source existed.
    param([Parameter(Mandatory)] $Redis, [Parameter(Mandatory)] [string] $From, [Parameter(Mandatory)] [string] $To)
    $script = "local v = redis.call('hgetall', KEYS[1]); if #v == 0 then return 0 end; redis.call('del', KEYS[2]); " +
        "for i = 1, #v, 2 do redis.call('hset', KEYS[2], v[i], v[i + 1]) end; " +
        "local t = redis.call('pttl', KEYS[1]); if t > 0 then redis.call('pexpire', KEYS[2], t) end; return 1"
    Send-RespCommand -Port $Redis.Port -Arguments 'EVAL', $script, '2', $From, $To
}

function Get-RedisCommandCalls {
    # Calls per command so far, from INFO commandstats ('scan' -> 3).
    param([Parameter(Mandatory)] $Redis)
    $calls = @{}
    foreach ($line in Invoke-RedisCommand $Redis INFO commandstats) {
        if ($line -match '^cmdstat_([^:]+):calls=(\d+)') { $calls[$Matches[1].ToLowerInvariant()] = [long]$Matches[2] }
    }
    $calls
}

function Send-RespCommand {
    # One command over RESP2 on a fresh loopback connection; returns the reply (arrays as object[]).
    param([Parameter(Mandatory)] [int] $Port, [Parameter(Mandatory)] [string[]] $Arguments)
    $client = [System.Net.Sockets.TcpClient]::new()
    try {
        $client.Connect([System.Net.IPAddress]::Loopback, $Port)
        $stream = $client.GetStream()
        $utf8 = [System.Text.UTF8Encoding]::new($false)
        $request = [System.Text.StringBuilder]::new()
        [void]$request.Append("*$($Arguments.Count)`r`n")
        foreach ($a in $Arguments) { [void]$request.Append("`$$($utf8.GetByteCount($a))`r`n$a`r`n") }
        $bytes = $utf8.GetBytes($request.ToString())
        $stream.Write($bytes, 0, $bytes.Length)
        $reader = [System.IO.BinaryReader]::new($stream, $utf8)
        Read-RespReply $reader
    }
    finally { $client.Dispose() }
}

function Read-RespLine([System.IO.BinaryReader] $Reader) {
    $buffer = [System.Collections.Generic.List[byte]]::new()
    while ($true) {
        $b = $Reader.ReadByte()
        if ($b -eq 13) { [void]$Reader.ReadByte(); break }
        $buffer.Add($b)
    }
    [System.Text.Encoding]::UTF8.GetString($buffer.ToArray())
}

function Read-RespReply([System.IO.BinaryReader] $Reader) {
    $line = Read-RespLine $Reader
    $kind = $line[0]; $rest = $line.Substring(1)
    switch ($kind) {
        '+' { return $rest }
        '-' { throw "Redis error: $rest" }
        ':' { return [long]$rest }
        '$' {
            $n = [int]$rest
            if ($n -lt 0) { return $null }
            $data = $Reader.ReadBytes($n); [void]$Reader.ReadBytes(2)
            return [System.Text.Encoding]::UTF8.GetString($data)
        }
        '*' {
            $n = [int]$rest
            if ($n -lt 0) { return $null }
            $items = [object[]]::new($n)
            for ($i = 0; $i -lt $n; $i++) { $items[$i] = Read-RespReply $Reader }
            return ,$items
        }
        default { throw "Unexpected RESP reply: $line" }
    }
}
