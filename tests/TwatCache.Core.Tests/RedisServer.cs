using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TwatCache.Core.Tests;

/// <summary>
/// A Redis-protocol server on a free loopback port, without persistence, stopped (killed) on dispose.
/// By default Garnet hosted by tests/TwatCache.TestRedisServer (built by <c>build.ps1 Test</c>), so a
/// machine with only the .NET SDK runs every Redis test; <c>TWATCACHE_TEST_REDIS=redis-server</c> (or a
/// path to one) runs the same tests against a real redis-server, as <c>.ci/run</c> does too.
/// A missing server is a failure, never a skip.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private Process? _process;

    public RedisServer()
    {
        Port = FreePort();
        Start();
    }

    public int Port { get; }

    /// <summary>
    /// A StackExchange.Redis connection string for this server. Its timeouts are generous because the test
    /// machine can be very busy; the engine's own short defaults are exercised by the tests of a down server.
    /// </summary>
    public string ConnectionString => $"127.0.0.1:{Port},connectTimeout=15000,syncTimeout=15000,asyncTimeout=15000";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Which server the tests use: "garnet" (default) or "redis-server" (or a path to a redis-server).</summary>
    public static string Kind
    {
        get
        {
            var v = Environment.GetEnvironmentVariable("TWATCACHE_TEST_REDIS");
            return string.IsNullOrWhiteSpace(v) ? "garnet" : v.Trim();
        }
    }

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it accepts connections.</summary>
    public void Start()
    {
        var psi = string.Equals(Kind, "garnet", StringComparison.OrdinalIgnoreCase) ? GarnetStart() : RedisServerStart(Kind);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.UseShellExecute = false;
        try
        {
            _process = Process.Start(psi) ?? throw new InvalidOperationException($"{psi.FileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"'{psi.FileName}' cannot be started ({ex.Message}). With TWATCACHE_TEST_REDIS=redis-server it must be on PATH; unset the variable to use the bundled Garnet server.", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Kind} exited with code {_process.ExitCode} on port {Port}.");
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private ProcessStartInfo RedisServerStart(string exe)
    {
        var psi = new ProcessStartInfo(exe);
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) psi.ArgumentList.Add(a);
        return psi;
    }

    // `dotnet TwatCache.TestRedisServer.dll --port N --exit-with <this process>`: the server also exits
    // when the test host dies without disposing the fixture.
    private ProcessStartInfo GarnetStart()
    {
        var psi = new ProcessStartInfo(DotnetHost());
        foreach (var a in new[] { GarnetServerDll(), "--port", Port.ToString(), "--exit-with", Environment.ProcessId.ToString() }) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>The built test server: $TWATCACHE_TEST_GARNET, else tests/TwatCache.TestRedisServer/bin/(Release|Debug) of this checkout.</summary>
    public static string GarnetServerDll()
    {
        const string Dll = "TwatCache.TestRedisServer.dll";
        var explicitPath = Environment.GetEnvironmentVariable("TWATCACHE_TEST_GARNET");
        if (!string.IsNullOrWhiteSpace(explicitPath)) return explicitPath;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "tests", "TwatCache.TestRedisServer");
            if (!Directory.Exists(project)) continue;
            foreach (var config in new[] { "Release", "Debug" })
            {
                var candidate = Path.Combine(project, "bin", config, "net10.0", Dll);
                if (File.Exists(candidate)) return candidate;
            }
            throw new InvalidOperationException($"The Garnet test server is not built: run 'dotnet pwsh ./build.ps1 Test', or 'dotnet build {project} -c Release'.");
        }
        throw new InvalidOperationException("tests/TwatCache.TestRedisServer not found above " + AppContext.BaseDirectory + "; set TWATCACHE_TEST_GARNET to the built " + Dll + ".");
    }

    // The dotnet host that runs these tests (the SDK sets DOTNET_HOST_PATH), else the one on PATH.
    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrWhiteSpace(host) && File.Exists(host)) return host;
        var self = Environment.ProcessPath;
        if (self != null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase)) return self;
        return "dotnet";
    }

    /// <summary>Kills the server, as a crash or a lost host would.</summary>
    public void Stop()
    {
        if (_process == null) return;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        _process = null;
    }

    public void Dispose() => Stop();

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

/// <summary>One Redis-protocol server shared by the Redis test classes (they run one after another in this collection).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
