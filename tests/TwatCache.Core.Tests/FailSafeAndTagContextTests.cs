namespace TwatCache.Core.Tests;

/// <summary>Fail-safe and tags through <see cref="CacheContext"/> on real stores, with a hand-moved clock.</summary>
public sealed class FailSafeAndTagContextTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();

    private CacheContext Create(CacheEngineKind engine = CacheEngineKind.LiteDb, bool failSafe = false, TimeSpan? maxStale = null, int largeValueThreshold = 32 * 1024)
        => TestContexts.Open(engine, _dir, "fs", _clock, o =>
        {
            o.FailSafe = failSafe;
            o.MaxStale = maxStale;
            o.LargeValueThreshold = largeValueThreshold;
        });

    private static readonly CacheEntryOptions FailSafeHour = new() { Ttl = TimeSpan.FromMinutes(10), FailSafe = true, MaxStale = TimeSpan.FromHours(1) };

    private static int Throw() => throw new InvalidOperationException("source is down");

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    [InlineData(CacheEngineKind.Auto)]
    public void A_failed_refresh_serves_the_stale_value_and_counts_it(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        Assert.Equal(1, ctx.GetOrAdd("k", () => 1, FailSafeHour));
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.False(ctx.TryGet<int>("k", out _)); // expired for ordinary reads
        Assert.Equal(1, ctx.GetOrAdd("k", Throw, FailSafeHour));
        Assert.Equal(1, ctx.GetStats().StaleServed);
        Assert.Equal(1, ctx.Counters.StaleServed);
        var row = ctx.GetEntries().Single();
        Assert.True(row.IsExpired);
        Assert.True(row.IsStale);
        Assert.Equal("Stale", row.State);
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.Auto)]
    public void Past_MaxStale_the_error_propagates(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        ctx.GetOrAdd("k", () => 1, FailSafeHour);
        _clock.Advance(TimeSpan.FromMinutes(61));
        var ex = Assert.Throws<InvalidOperationException>(() => ctx.GetOrAdd("k", Throw, FailSafeHour));
        Assert.Equal("source is down", ex.Message);
        Assert.Equal(0, ctx.GetStats().StaleServed);
        Assert.Empty(ctx.GetEntries()); // past retention: purged
    }

    [Fact]
    public void A_shorter_MaxStale_on_the_read_wins_over_the_retention()
    {
        using var ctx = Create();
        ctx.GetOrAdd("k", () => 1, FailSafeHour);
        _clock.Advance(TimeSpan.FromMinutes(30));
        var strict = new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(10), FailSafe = true, MaxStale = TimeSpan.FromMinutes(20) };
        Assert.Throws<InvalidOperationException>(() => ctx.GetOrAdd("k", Throw, strict));
    }

    [Fact]
    public void Without_fail_safe_an_expired_entry_is_never_served()
    {
        using var ctx = Create();
        ctx.GetOrAdd("k", () => 1, new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(10) });
        _clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Throws<InvalidOperationException>(() => ctx.GetOrAdd("k", Throw, new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(10) }));
        Assert.Empty(ctx.GetEntries());
    }

    [Fact]
    public void A_fail_safe_entry_read_without_fail_safe_still_throws()
    {
        using var ctx = Create();
        ctx.GetOrAdd("k", () => 1, FailSafeHour);
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Throws<InvalidOperationException>(() => ctx.GetOrAdd("k", Throw, new CacheEntryOptions { Ttl = TimeSpan.FromMinutes(10), FailSafe = false }));
    }

    [Fact]
    public void The_context_default_applies_to_GetOrAdd_with_a_ttl()
    {
        using var ctx = Create(failSafe: true, maxStale: TimeSpan.FromDays(7));
        ctx.GetOrAdd("k", () => "v1", TimeSpan.FromHours(1));
        _clock.Advance(TimeSpan.FromDays(3));
        Assert.Equal("v1", ctx.GetOrAdd<string>("k", () => throw new IOException("down"), TimeSpan.FromHours(1)));
        _clock.Advance(TimeSpan.FromDays(5));
        Assert.Throws<IOException>(() => ctx.GetOrAdd<string>("k", () => throw new IOException("down"), TimeSpan.FromHours(1)));
    }

    [Fact]
    public void A_successful_refresh_replaces_the_stale_value()
    {
        using var ctx = Create();
        ctx.GetOrAdd("k", () => 1, FailSafeHour);
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(2, ctx.GetOrAdd("k", () => 2, FailSafeHour));
        Assert.Equal(2, ctx.GetOrAdd("k", Throw, FailSafeHour));
        Assert.Equal(0, ctx.GetStats().StaleServed);
    }

    [Fact]
    public async Task GetOrAddAsync_serves_stale_but_not_on_cancellation()
    {
        using var ctx = Create(CacheEngineKind.Auto);
        Assert.Equal("v", await ctx.GetOrAddAsync("k", _ => Task.FromResult("v"), FailSafeHour));
        _clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal("v", await ctx.GetOrAddAsync<string>("k", async _ => { await Task.Yield(); throw new HttpRequestException("503"); }, FailSafeHour));
        await Assert.ThrowsAsync<OperationCanceledException>(() => ctx.GetOrAddAsync<string>("k", _ => throw new OperationCanceledException(), FailSafeHour));
        Assert.Equal(1, ctx.GetStats().StaleServed);
    }

    [Fact]
    public void A_stale_entry_serves_a_new_context_on_the_same_store()
    {
        using (var first = Create()) first.GetOrAdd("k", () => "yesterday", FailSafeHour);
        _clock.Advance(TimeSpan.FromMinutes(45));
        using var second = Create();
        Assert.Equal("yesterday", second.GetOrAdd<string>("k", () => throw new IOException("down"), FailSafeHour));
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    [InlineData(CacheEngineKind.Auto)]
    public void RemoveByTag_removes_tagged_entries_from_every_layer(CacheEngineKind engine)
    {
        using var ctx = Create(engine, largeValueThreshold: 100);
        ctx.GetOrAdd("small", () => "s", new CacheEntryOptions { Tags = new[] { "Inventory", "vm" } });
        ctx.GetOrAdd("large", () => new string('x', 5000), new CacheEntryOptions { Tags = new[] { "inventory" } });
        ctx.GetOrAdd("other", () => "o", new CacheEntryOptions { Tags = new[] { "network" } });
        ctx.GetOrAdd("plain", () => "p", new CacheEntryOptions());
        Assert.Equal(new[] { "inventory", "vm" }, ctx.GetEntries().Single(e => e.Label == "small").Tags);
        Assert.Equal(2, ctx.RemoveByTag("INVENTORY"));
        Assert.False(ctx.TryGet<string>("small", out _));
        Assert.False(ctx.TryGet<string>("large", out _));
        Assert.True(ctx.TryGet<string>("other", out _));
        Assert.True(ctx.TryGet<string>("plain", out _));
        Assert.Equal(0, ctx.RemoveByTag("inventory"));
    }

    [Fact]
    public void Invalid_tags_are_refused_with_a_configuration_error()
    {
        using var ctx = Create();
        Assert.Throws<CacheConfigurationException>(() => ctx.GetOrAdd("k", () => 1, new CacheEntryOptions { Tags = new[] { " " } }));
        Assert.Throws<CacheConfigurationException>(() => ctx.GetOrAdd("k", () => 1, new CacheEntryOptions { Tags = new[] { "a\u001fb" } }));
        Assert.Throws<CacheConfigurationException>(() => ctx.RemoveByTag(""));
    }

    public void Dispose() => _dir.Dispose();
}
