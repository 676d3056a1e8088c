// A Redis-protocol test server: Garnet hosted in this process, listening on loopback only.
// Usage: dotnet TwatCache.TestRedisServer.dll --port N [--exit-with PID] [other Garnet options]
// The tests start it on a free port and stop it by killing the process (Garnet has no SHUTDOWN);
// --exit-with makes it exit by itself when the test process that started it is gone.
using System.Diagnostics;
using Garnet;

var garnetArgs = new List<string>
{
    "--bind", "127.0.0.1",
    "--lua",                  // the engine's lock release and renewal are EVAL scripts
    "--commandstats-monitor", // INFO commandstats: tests check that Clear-Cache uses SCAN, never KEYS
    "--memory", "256m",       // small logs: a test server holds a few thousand entries at most
    "--index", "16m",
};
int? parent = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--exit-with" && i + 1 < args.Length) parent = int.Parse(args[++i]);
    else garnetArgs.Add(args[i]);
}

using var server = new GarnetServer(garnetArgs.ToArray());
server.Start();
Console.WriteLine("ready");
if (parent.HasValue)
{
    try { Process.GetProcessById(parent.Value).WaitForExit(); }
    catch (ArgumentException) { } // already gone
    return;
}
Thread.Sleep(Timeout.Infinite);
