using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TwatCache.Core.Tests;

/// <summary>
/// A real redis-server on a free loopback port, without persistence, stopped (killed) on dispose.
/// Missing redis-server is a failure, not a skip: .ci/run installs it.
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

    /// <summary>Starts the server (again) on <see cref="Port"/> and waits until it accepts connections.</summary>
    public void Start()
    {
        var psi = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) psi.ArgumentList.Add(a);
        try
        {
            _process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed (apt-get install redis-server; .ci/run does it).", ex);
        }
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
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

/// <summary>One redis-server shared by the Redis test classes (they run one after another in this collection).</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServer>
{
    public const string Name = "redis";
}
