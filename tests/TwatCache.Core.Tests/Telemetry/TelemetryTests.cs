using TwatCache.Diagnostics;

namespace TwatCache.Core.Tests.Telemetry;

/// <summary>The "TwatCache" meter and activity source, read with real listeners on real contexts.</summary>
public sealed class TelemetryTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();
    private readonly string _name = "otel-" + Guid.NewGuid().ToString("N");

    public void Dispose() => _dir.Dispose();

    private CacheContext Create(CacheEngineKind engine, Action<CacheOptions>? tweak = null)
        => TestContexts.Open(engine, _dir, _name, _clock, tweak);

    private static int Throw() => throw new InvalidOperationException("source is down");

    [Theory]
    [InlineData(CacheEngineKind.Memory, "Memory")]
    [InlineData(CacheEngineKind.LiteDb, "LiteDb")]
    [InlineData(CacheEngineKind.Auto, "Memory+LiteDb+File")]
    public void Counters_match_the_operations_and_the_stats_and_carry_context_and_engine(CacheEngineKind engine, string engineName)
    {
        using var capture = new TelemetryCapture(_name);
        using var ctx = Create(engine);
        Assert.Equal(1, ctx.GetOrAdd("a", () => 1)); // miss, run, write
        Assert.Equal(1, ctx.GetOrAdd("a", () => 2)); // hit
        Assert.Equal(1, ctx.GetOrAdd("a", () => 3)); // hit
        Assert.False(ctx.TryGet<int>("b", out _));   // miss
        ctx.Set("c", 4);                             // write

        Assert.Equal(2, capture.Sum("twatcache.hits"));
        Assert.Equal(2, capture.Sum("twatcache.misses"));
        Assert.Equal(2, capture.Sum("twatcache.writes"));
        Assert.Equal(1, capture.Count("twatcache.factory.duration"));
        Assert.True(capture.Sum("twatcache.factory.duration") >= 0);
        var stats = ctx.GetStats();
        Assert.Equal(stats.Hits, capture.Sum("twatcache.hits"));
        Assert.Equal(stats.Misses, capture.Sum("twatcache.misses"));
        Assert.All(capture.Measurements, m =>
        {
            Assert.Equal(_name, m.Tags[TwatCacheTelemetry.ContextTag]);
            Assert.Equal(engineName, m.Tags[TwatCacheTelemetry.EngineTag]);
            Assert.Equal(2, m.Tags.Count); // context and engine only: never a key
        });
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    public async Task Concurrent_callers_of_one_key_count_one_miss_and_the_rest_hits(CacheEngineKind engine)
    {
        using var capture = new TelemetryCapture(_name);
        using var ctx = Create(engine);
        using var running = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var callers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => ctx.GetOrAdd("k", () => { running.Set(); release.Wait(); return 7; }))).ToArray();
        Assert.True(running.Wait(TimeSpan.FromMinutes(1)));
        await Task.Delay(200); // let the other callers queue on the key's lock (any order still counts one each)
        release.Set();
        Assert.All(await Task.WhenAll(callers), value => Assert.Equal(7, value));
        Assert.Equal(1, capture.Count("twatcache.factory.duration"));
        Assert.Equal(4, capture.Sum("twatcache.hits") + capture.Sum("twatcache.misses"));
        Assert.Equal(ctx.GetStats().Misses, capture.Sum("twatcache.misses"));
        Assert.Equal(ctx.GetStats().Hits, capture.Sum("twatcache.hits"));
    }

    [Fact]
    public void A_failed_refresh_counts_an_error_and_a_stale_serve()
    {
        using var capture = new TelemetryCapture(_name);
        using var ctx = Create(CacheEngineKind.LiteDb);
        var failSafe = new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(10), FailSafe = true, MaxStale = TimeSpan.FromHours(1) };
        ctx.GetOrAdd("k", () => 1, failSafe);
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, ctx.GetOrAdd("k", Throw, failSafe));
        Assert.Throws<InvalidOperationException>(() => ctx.GetOrAdd("other", Throw));

        Assert.Equal(2, capture.Sum("twatcache.errors"));
        Assert.Equal(1, capture.Sum("twatcache.stale_served"));
        Assert.Equal(ctx.GetStats().StaleServed, capture.Sum("twatcache.stale_served"));
        Assert.Equal(3, capture.Count("twatcache.factory.duration"));
        var runs = capture.Activities.Where(a => a.OperationName == "twatcache.factory").ToList();
        Assert.Equal(3, runs.Count);
        Assert.Equal(2, runs.Count(a => a.Status == System.Diagnostics.ActivityStatusCode.Error));
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    public void Evictions_are_counted_like_the_stats(CacheEngineKind engine)
    {
        using var capture = new TelemetryCapture(_name);
        using var ctx = Create(engine, o => o.MaxEntries = 3);
        for (int i = 0; i < 10; i++) ctx.Set("k" + i, i);
        long evicted = ctx.GetStats().Evictions;
        Assert.True(evicted > 0);
        Assert.Equal(evicted, capture.Sum("twatcache.evictions"));
        Assert.Equal(10, capture.Sum("twatcache.writes"));
    }

    [Fact]
    public void A_store_that_cannot_start_counts_a_fallback_tagged_with_memory()
    {
        using var capture = new TelemetryCapture(_name);
        using var ctx = Create(CacheEngineKind.Redis, o => o.ConnectionString = "127.0.0.1:1,connectTimeout=1000");
        Assert.NotEmpty(ctx.Warnings);
        var fallback = Assert.Single(capture.Measurements, m => m.Instrument == "twatcache.fallbacks");
        Assert.Equal(1, fallback.Value);
        Assert.Equal("Memory", fallback.Tags[TwatCacheTelemetry.EngineTag]);
    }

    [Fact]
    public void A_LiteDb_context_has_an_activity_per_miss_and_per_store_operation_with_hit_tags()
    {
        using var capture = new TelemetryCapture(_name);
        using var ctx = Create(CacheEngineKind.LiteDb);
        ctx.GetOrAdd("a", () => 1); // store get (miss), re-check get (miss), factory, store set
        ctx.GetOrAdd("a", () => 1); // store get (hit)

        var names = capture.Activities.Select(a => a.OperationName + ":" + a.GetTagItem(TwatCacheTelemetry.OperationTag) + ":" + a.GetTagItem(TwatCacheTelemetry.HitTag)).ToList();
        Assert.Equal(new[]
        {
            "twatcache.store:get:False",
            "twatcache.store:get:False",
            "twatcache.factory::False",
            "twatcache.store:set:",
            "twatcache.store:get:True",
        }, names);
        Assert.All(capture.Activities, a => Assert.Equal("LiteDb", a.GetTagItem(TwatCacheTelemetry.EngineTag)));
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.Auto)]
    public void A_memory_hit_starts_no_activity(CacheEngineKind engine)
    {
        using var capture = new TelemetryCapture(_name);
        using var ctx = Create(engine);
        ctx.GetOrAdd("a", () => 1);
        Assert.Single(capture.Activities, a => a.OperationName == "twatcache.factory");
        int before = capture.Activities.Count;
        for (int i = 0; i < 5; i++) Assert.Equal(1, ctx.GetOrAdd("a", () => 2));
        Assert.Equal(before, capture.Activities.Count);
        Assert.Equal(5, capture.Sum("twatcache.hits"));
    }
}
