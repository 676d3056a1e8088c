using System.Diagnostics;
using Xunit.Abstractions;

namespace TwatCache.Core.Tests;

/// <summary>
/// The backplane of memory layers over Redis: two contexts of one name, each on a connection of its own (as two
/// hosts would be), over the real test server. Waits poll with a generous deadline; the delay is only reported.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisBackplaneTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly RedisServer _redis;
    private readonly ITestOutputHelper _output;
    private readonly string _context = "bp-" + Guid.NewGuid().ToString("N");

    public RedisBackplaneTests(RedisServer redis, ITestOutputHelper output)
    {
        _redis = redis;
        _output = output;
    }

    // A distinct client name per host gives each its own multiplexer (one is shared per connection string).
    private CacheContext Host(string host, bool backplane = true, string? connection = null)
        => CacheContext.Create(new CacheOptions
        {
            Name = _context,
            Engine = CacheEngineKind.Auto,
            ConnectionString = (connection ?? _redis.ConnectionString) + ",name=" + host + "-" + Guid.NewGuid().ToString("N"),
            Backplane = backplane,
        });

    private static bool Poll(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Deadline)
        {
            if (condition()) return true;
            Thread.Sleep(10);
        }
        return condition();
    }

    private void Report(string what, Stopwatch watch) => _output.WriteLine($"{what}: seen after {watch.Elapsed.TotalMilliseconds:F1} ms");

    [Fact]
    public void A_refresh_on_one_host_reaches_the_memory_layer_of_the_other()
    {
        using var a = Host("a");
        using var b = Host("b");
        Assert.Equal("Memory+Redis", a.EngineName);
        Assert.Equal(1, a.GetOrAdd("k", () => 1));
        Assert.Equal(1, b.GetOrAdd("k", () => 99)); // B reads A's entry from Redis
        var watch = Stopwatch.StartNew();
        b.Set("k", 2);
        Assert.True(Poll(() => a.GetOrAdd("k", () => -1) == 2));
        Report("refresh", watch);
        Assert.Equal(2, a.GetOrAdd("k", () => -1));
    }

    [Fact]
    public void A_removal_by_key_by_tag_or_a_clear_on_one_host_empties_the_other_hosts_memory()
    {
        using var a = Host("a");
        using var b = Host("b");
        var tagged = new CacheEntryOptions { Tags = new[] { "inventory" } };
        a.GetOrAdd("byKey", () => 1);
        a.GetOrAdd("byTag", () => 1, tagged);
        a.GetOrAdd("byClear", () => 1);

        var watch = Stopwatch.StartNew();
        Assert.True(b.Remove("byKey"));
        Assert.True(Poll(() => !a.TryGet<int>("byKey", out _)));
        Report("remove by key", watch);

        watch.Restart();
        Assert.Equal(1, b.RemoveByTag("inventory"));
        Assert.True(Poll(() => !a.TryGet<int>("byTag", out _)));
        Report("remove by tag", watch);
        Assert.True(a.TryGet<int>("byClear", out _)); // untagged, untouched

        watch.Restart();
        b.Clear();
        Assert.True(Poll(() => !a.TryGet<int>("byClear", out _)));
        Report("clear", watch);
        Assert.Equal(3, a.GetOrAdd("byClear", () => 3)); // the new truth: a fresh run
    }

    [Fact]
    public void A_writer_keeps_its_own_fresh_copy_and_a_third_host_sees_the_change()
    {
        using var a = Host("a");
        using var b = Host("b");
        a.Set("k", 1);
        b.Set("k", 2);
        Assert.True(Poll(() => a.TryGet<int>("k", out var v) && v == 2));
        a.Set("k", 3); // its own message comes back to it and must not drop the value it just wrote
        Assert.True(Poll(() => b.TryGet<int>("k", out var v) && v == 3));
        Assert.True(a.TryGet<int>("k", out var own) && own == 3);
    }

    [Fact]
    public void Without_the_backplane_a_memory_copy_stays_until_it_expires()
    {
        using var off = Host("off", backplane: false);
        using var on = Host("on");
        using var writer = Host("writer");
        off.Set("k", 1);
        on.GetOrAdd("k", () => -1);
        writer.Set("k", 2);
        // The message was delivered (the host with the backplane sees it), yet the host without keeps its copy.
        Assert.True(Poll(() => on.TryGet<int>("k", out var v) && v == 2));
        Assert.True(off.TryGet<int>("k", out var stale));
        Assert.Equal(1, stale);
    }

    [Fact]
    public void The_plain_Redis_engine_has_no_memory_layer_and_reads_the_server()
    {
        using var plain = CacheContext.Create(new CacheOptions { Name = _context, Engine = CacheEngineKind.Redis, ConnectionString = _redis.ConnectionString });
        using var b = Host("b");
        plain.Set("k", 1);
        b.Set("k", 2);
        Assert.True(plain.TryGet<int>("k", out var v) && v == 2);
        Assert.Equal("Redis", plain.EngineName);
    }

    [Fact]
    public void A_server_restart_clears_the_memory_layer_once_with_a_warning()
    {
        using var own = new RedisServer();
        using var a = Host("a", connection: own.ConnectionString);
        Assert.Equal(1, a.GetOrAdd("k", () => 1));
        own.Stop();
        own.Start();
        // Nothing called A meanwhile, so its store never failed: only the subscription noticed.
        string? warning = null;
        Assert.True(Poll(() => (warning = a.DrainWarnings().FirstOrDefault()) != null));
        Assert.Contains("memory layer was cleared", warning);
        Assert.Equal(2, a.GetOrAdd("k", () => 2)); // the restarted server is empty and so is A's memory
        Assert.Equal("Memory+Redis", a.EngineName);
        Assert.Empty(a.DrainWarnings());
    }
}
