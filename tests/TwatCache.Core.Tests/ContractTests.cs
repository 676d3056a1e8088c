using TwatCache.Engines;
using TwatCache.Storage;

namespace TwatCache.Core.Tests;

/// <summary>The contract in the small (issue 15): lifetimes, move-aside, counting, file modes, shared stores.</summary>
public class ContractTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();

    private CacheContext Create(CacheEngineKind engine, Action<CacheOptions>? tweak = null, string name = "c")
        => TestContexts.Open(engine, _dir, name, _clock, tweak);

    public void Dispose() => _dir.Dispose();

    public static TheoryData<CacheEngineKind> LocalEngines => new() { CacheEngineKind.Memory, CacheEngineKind.LiteDb, CacheEngineKind.File, CacheEngineKind.Auto };

    [Theory]
    [MemberData(nameof(LocalEngines))]
    public void Ttl_and_sliding_ttl_expire_at_whichever_comes_first(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var written = _clock.Now;
        ctx.SetByHash(ctx.HashKey("k"), "v", typeof(string), new CacheEntryOptions { Ttl = TimeSpan.FromSeconds(2), SlidingTtl = TimeSpan.FromSeconds(10) });
        Assert.Equal(written.AddSeconds(2), Assert.Single(ctx.GetEntries()).Expires);
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(ctx.TryGet<string>("k", out _)); // a read inside both limits
        Assert.Equal(written.AddSeconds(2), Assert.Single(ctx.GetEntries()).Expires); // ...does not move the absolute limit
        _clock.Advance(TimeSpan.FromSeconds(1.7));
        Assert.False(ctx.TryGet<string>("k", out _));
    }

    [Theory]
    [MemberData(nameof(LocalEngines))]
    public void A_sliding_window_shorter_than_the_ttl_still_slides_up_to_the_ttl_across_a_reopen(CacheEngineKind engine)
    {
        var written = _clock.Now;
        using (var ctx = Create(engine))
        {
            ctx.SetByHash(ctx.HashKey("k"), "v", typeof(string), new CacheEntryOptions { Ttl = TimeSpan.FromSeconds(10), SlidingTtl = TimeSpan.FromSeconds(4) });
            for (int i = 0; i < 2; i++)
            {
                _clock.Advance(TimeSpan.FromSeconds(3));
                Assert.True(ctx.TryGet<string>("k", out _));
            }
        }
        // Memory keeps nothing past the context; Auto's hits are served by its memory layer, which does not
        // write each slide back to the store.
        if (engine == CacheEngineKind.Memory || engine == CacheEngineKind.Auto) return;
        using var reopened = Create(engine);
        _clock.Advance(TimeSpan.FromSeconds(3)); // 9 s after the write: the window slid, the cap holds
        Assert.True(reopened.TryGet<string>("k", out _));
        Assert.Equal(written.AddSeconds(10), Assert.Single(reopened.GetEntries()).Expires);
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        Assert.False(reopened.TryGet<string>("k", out _));
    }

    [Theory]
    [MemberData(nameof(LocalEngines))]
    public void Lifetimes_past_year_9999_mean_never_and_the_value_is_stored(CacheEngineKind engine)
    {
        using var ctx = Create(engine, o => o.DefaultTtl = TimeSpan.MaxValue);
        ctx.Set("default", 1);
        ctx.SetByHash(ctx.HashKey("ttl"), 2, typeof(int), new CacheEntryOptions { Ttl = TimeSpan.MaxValue });
        ctx.SetByHash(ctx.HashKey("days"), 3, typeof(int), new CacheEntryOptions { Ttl = TimeSpan.FromDays(3_000_000) });
        ctx.SetByHash(ctx.HashKey("sliding"), 4, typeof(int), new CacheEntryOptions { SlidingTtl = TimeSpan.MaxValue });
        ctx.SetByHash(ctx.HashKey("stale"), 5, typeof(int), new CacheEntryOptions { Ttl = TimeSpan.FromSeconds(1), FailSafe = true, MaxStale = TimeSpan.MaxValue, Label = "stale" });
        foreach (var key in new[] { "default", "ttl", "days", "sliding" })
        {
            Assert.True(ctx.TryGet<int>(key, out _), key);
        }
        Assert.All(ctx.GetEntries().Where(e => e.Label != "stale"), e => Assert.Null(e.Expires));
        _clock.Advance(TimeSpan.FromDays(365 * 100));
        Assert.True(ctx.TryGet<int>("sliding", out _));
        Assert.True(ctx.Flow.TryGetStale(ctx.HashKey("stale"), typeof(int), TimeSpan.MaxValue, out var stale, out _));
        Assert.Equal(5, stale);
    }

    [Fact]
    public void A_store_moved_aside_keeps_its_damaged_bytes_exactly()
    {
        var file = Path.Combine(_dir.Path, "c.tcdb");
        var garbage = new byte[20_000];
        new Random(3).NextBytes(garbage);
        File.WriteAllBytes(file, garbage);
        using (var ctx = Create(CacheEngineKind.LiteDb)) Assert.Contains("damaged", Assert.Single(ctx.Warnings));
        var aside = Assert.Single(Directory.GetFiles(_dir.Path, "c.tcdb.corrupt-*"));
        Assert.Equal(garbage, File.ReadAllBytes(aside));
    }

    [Fact]
    public void A_truncated_store_moved_aside_keeps_its_bytes_exactly()
    {
        using (var ctx = Create(CacheEngineKind.LiteDb))
        {
            for (int i = 0; i < 50; i++) ctx.Set("k" + i, new string('x', 500));
        }
        var file = Path.Combine(_dir.Path, "c.tcdb");
        foreach (var log in Directory.GetFiles(_dir.Path, "c-log.tcdb")) File.Delete(log);
        var whole = File.ReadAllBytes(file);
        var truncated = whole.Take(whole.Length / 2 + 100).ToArray();
        File.WriteAllBytes(file, truncated);
        using (var ctx = Create(CacheEngineKind.LiteDb)) Assert.Contains("damaged", Assert.Single(ctx.Warnings));
        var aside = Assert.Single(Directory.GetFiles(_dir.Path, "c.tcdb.corrupt-*"));
        Assert.Equal(truncated, File.ReadAllBytes(aside));
    }

    [Theory]
    [MemberData(nameof(LocalEngines))]
    public async Task Four_parallel_callers_of_one_key_count_one_miss_and_three_hits(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        using var gate = new ManualResetEventSlim();
        int runs = 0;
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => ctx.GetOrAdd("k", () =>
        {
            Interlocked.Increment(ref runs);
            gate.Wait(TimeSpan.FromSeconds(30));
            return 7;
        }))).ToArray();
        // The producer holds the key until the other three callers wait for its lock. (This used to wait for
        // four counted lookups, which never happens while the producer runs: a caller counts its miss or hit
        // only once it has the lock, so the wait always ran out its 30 s.)
        var hash = ctx.HashKey("k");
        bool allWaiting = SpinWait.SpinUntil(() => ctx.Gate.Locks.UsersOf(hash) == 4, TimeSpan.FromSeconds(30));
        gate.Set();
        await Task.WhenAll(callers);
        Assert.True(allWaiting, "the three other callers never all waited on the producer's lock");
        Assert.Equal(1, runs);
        Assert.Equal(1, ctx.Counters.Misses);
        Assert.Equal(3, ctx.Counters.Hits);
    }

    [Fact]
    public void Every_file_of_a_file_store_is_0600_and_every_directory_0700_tag_markers_included()
    {
        if (!UnixPermissions.Supported) return; // modes are a Unix matter
        using (var ctx = Create(CacheEngineKind.File))
        {
            ctx.SetByHash(ctx.HashKey("k"), "v", typeof(string), new CacheEntryOptions { Tags = new[] { "one", "two" } });
        }
        var store = Path.Combine(_dir.Path, "c.files");
        var tags = store + ".tags";
        Assert.True(Directory.Exists(tags));
        var files = Directory.GetFiles(store, "*", SearchOption.AllDirectories).Concat(Directory.GetFiles(tags, "*", SearchOption.AllDirectories)).ToList();
        Assert.Contains(files, f => f.StartsWith(tags, StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(UnixPermissions.OwnerOnlyFile, UnixPermissions.Get(f)! & 0x1FF));
        var dirs = Directory.GetDirectories(store, "*", SearchOption.AllDirectories).Concat(Directory.GetDirectories(tags, "*", SearchOption.AllDirectories));
        Assert.All(dirs, d => Assert.Equal(UnixPermissions.OwnerOnlyDirectory, UnixPermissions.Get(d)! & 0x1FF));
    }

    [Fact]
    public void Contexts_that_share_stores_share_one_engine_and_one_memory_layer()
    {
        using var shared = new SharedStores();
        using var auto = Create(CacheEngineKind.Auto, o => o.SharedStores = shared);
        using var liteDb = Create(CacheEngineKind.LiteDb, o => o.SharedStores = shared);
        auto.Set("k", "old");
        Assert.True(auto.TryGet<string>("k", out var v1)); // now in Auto's memory layer
        Assert.Equal("old", v1);
        liteDb.Set("k", "new");
        Assert.True(auto.TryGet<string>("k", out var v2));
        Assert.Equal("new", v2);
        liteDb.Clear();
        Assert.False(auto.TryGet<string>("k", out _));
        auto.Set("t", "x");
        auto.TryGet<string>("t", out _);
        liteDb.Remove("t");
        Assert.False(auto.TryGet<string>("t", out _));
        Assert.Equal("Memory+LiteDb+File", auto.EngineName);
        Assert.Equal("LiteDb", liteDb.EngineName);
    }

    [Fact]
    public void Disposing_a_context_leaves_the_shared_stores_open_for_the_others()
    {
        using var shared = new SharedStores();
        using var auto = Create(CacheEngineKind.Auto, o => o.SharedStores = shared);
        using (var liteDb = Create(CacheEngineKind.LiteDb, o => o.SharedStores = shared)) liteDb.Set("k", 1);
        Assert.True(auto.TryGet<int>("k", out var v));
        Assert.Equal(1, v);
        Assert.False(auto.HasFallenBack);
    }
}

/// <summary>The lifetime rules of <see cref="ContractTests"/> on the Redis engine.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisLifetimeContractTests
{
    private readonly RedisServer _redis;
    private readonly ManualClock _clock = new() { Now = DateTimeOffset.UtcNow };

    public RedisLifetimeContractTests(RedisServer redis) => _redis = redis;

    private CacheContext Create() => CacheContext.Create(new CacheOptions
    {
        Name = "life-" + Guid.NewGuid().ToString("N"), Engine = CacheEngineKind.Redis, ConnectionString = _redis.ConnectionString, Clock = () => _clock.Now,
    });

    [Fact]
    public void Ttl_and_sliding_ttl_expire_at_whichever_comes_first()
    {
        using var ctx = Create();
        var written = _clock.Now;
        ctx.SetByHash(ctx.HashKey("k"), "v", typeof(string), new CacheEntryOptions { Ttl = TimeSpan.FromSeconds(20), SlidingTtl = TimeSpan.FromSeconds(100) });
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.True(ctx.TryGet<string>("k", out _));
        Assert.Equal(written.AddSeconds(20).UtcTicks, Assert.Single(ctx.GetEntries()).Expires!.Value.UtcTicks);
        _clock.Advance(TimeSpan.FromSeconds(10.5));
        Assert.False(ctx.TryGet<string>("k", out _));
    }

    [Fact]
    public void Lifetimes_past_year_9999_mean_never()
    {
        using var ctx = Create();
        ctx.SetByHash(ctx.HashKey("ttl"), 1, typeof(int), new CacheEntryOptions { Ttl = TimeSpan.MaxValue });
        ctx.SetByHash(ctx.HashKey("sliding"), 2, typeof(int), new CacheEntryOptions { SlidingTtl = TimeSpan.MaxValue });
        Assert.True(ctx.TryGet<int>("ttl", out _));
        Assert.True(ctx.TryGet<int>("sliding", out _));
        Assert.All(ctx.GetEntries(), e => Assert.Null(e.Expires));
    }
}

/// <summary>Where a root given as text lives.</summary>
public sealed class CacheRootResolutionTests
{
    [Theory]
    [InlineData("~")]
    [InlineData("~/twatcache-root-test")]
    public void A_leading_tilde_is_the_home_directory_not_a_folder_named_tilde(string root)
    {
        var home = Environment.GetEnvironmentVariable(OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME")!;
        var expected = Path.GetFullPath(home + root.Substring(1));
        Assert.Equal(expected, CacheRoot.Resolve(root));
    }

    [Fact]
    public void A_tilde_inside_a_name_is_kept()
        => Assert.EndsWith("~x", CacheRoot.Resolve(Path.Combine(Path.GetTempPath(), "~x")));
}
