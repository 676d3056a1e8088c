using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace TwatCache.Core.Tests;

/// <summary>IDistributedCache contract behaviour of AsDistributedCache on every local engine.</summary>
public class DistributedCacheTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();

    private CacheContext Create(CacheEngineKind engine)
        => TestContexts.Open(engine, _dir, "dist", _clock);

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Get_is_null_on_a_miss_and_returns_the_bytes_set(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var dc = ctx.AsDistributedCache();
        Assert.Null(dc.Get("k"));
        dc.Set("k", Bytes("hello"), new DistributedCacheEntryOptions());
        Assert.Equal(Bytes("hello"), dc.Get("k"));
        dc.Set("k", Bytes("again"), new DistributedCacheEntryOptions());
        Assert.Equal(Bytes("again"), dc.Get("k"));
        dc.Set("empty", Array.Empty<byte>(), new DistributedCacheEntryOptions());
        Assert.Equal(Array.Empty<byte>(), dc.Get("empty"));
        dc.Remove("k");
        Assert.Null(dc.Get("k"));
        dc.Remove("never-there");
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Relative_and_absolute_expiration_are_honoured(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var dc = ctx.AsDistributedCache();
        dc.Set("rel", Bytes("r"), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
        dc.Set("abs", Bytes("a"), new DistributedCacheEntryOptions { AbsoluteExpiration = _clock.Now.AddMinutes(10) });
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(dc.Get("rel"));
        Assert.NotNull(dc.Get("abs"));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(dc.Get("rel"));
        Assert.NotNull(dc.Get("abs"));
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(dc.Get("abs"));
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Sliding_expiration_is_renewed_by_Get_and_Refresh(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var dc = ctx.AsDistributedCache();
        dc.Set("s", Bytes("s"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
        for (int i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(4));
            if (i % 2 == 0) dc.Refresh("s"); else Assert.NotNull(dc.Get("s"));
        }
        Assert.NotNull(dc.Get("s"));             // 12 minutes after the write, still alive
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Null(dc.Get("s"));
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Sliding_expiration_stops_at_the_absolute_limit(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var dc = ctx.AsDistributedCache();
        dc.Set("both", Bytes("b"), new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(5),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(12),
        });
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(dc.Get("both"));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(dc.Get("both"));
        _clock.Advance(TimeSpan.FromMinutes(4)); // within the sliding window, but past the 12-minute limit
        Assert.Null(dc.Get("both"));
        Assert.Equal(0, ctx.GetStats().Entries);
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public async Task Async_methods_behave_like_the_sync_ones_and_honour_cancellation(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var dc = ctx.AsDistributedCache();
        Assert.Null(await dc.GetAsync("k"));
        await dc.SetAsync("k", Bytes("v"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        _clock.Advance(TimeSpan.FromSeconds(50));
        await dc.RefreshAsync("k");
        _clock.Advance(TimeSpan.FromSeconds(50));
        Assert.Equal(Bytes("v"), await dc.GetAsync("k"));
        await dc.RemoveAsync("k");
        Assert.Null(await dc.GetAsync("k"));

        var cancelled = new CancellationToken(canceled: true);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dc.GetAsync("k", cancelled));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dc.SetAsync("k", Bytes("x"), new DistributedCacheEntryOptions(), cancelled));
        Assert.Null(dc.Get("k"));
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Bad_options_are_refused_as_the_contract_says(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var dc = ctx.AsDistributedCache();
        Assert.Throws<ArgumentOutOfRangeException>(() => dc.Set("k", Bytes("v"), new DistributedCacheEntryOptions { AbsoluteExpiration = _clock.Now.AddMinutes(-1) }));
        Assert.Throws<ArgumentNullException>(() => dc.Set("k", null!, new DistributedCacheEntryOptions()));
        Assert.Throws<ArgumentNullException>(() => dc.Get(null!));
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Distributed_keys_do_not_collide_with_typed_keys(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var dc = ctx.AsDistributedCache();
        ctx.Set("k", "typed");
        dc.Set("k", Bytes("raw"), new DistributedCacheEntryOptions());
        Assert.True(ctx.TryGet<string>("k", out var typed));
        Assert.Equal("typed", typed);
        Assert.Equal(Bytes("raw"), dc.Get("k"));
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public async Task The_framework_string_extensions_work_over_it(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        IDistributedCache dc = ctx.AsDistributedCache();
        await dc.SetStringAsync("greeting", "héllo", new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) });
        Assert.Equal("héllo", await dc.GetStringAsync("greeting"));
        dc.SetString("plain", "text");
        Assert.Equal("text", dc.GetString("plain"));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(dc.GetString("greeting"));
        Assert.Equal("text", dc.GetString("plain"));
    }

    [Theory, MemberData(nameof(EngineKinds.Persistent), MemberType = typeof(EngineKinds))]
    public void A_later_context_on_the_same_store_reads_the_entry(CacheEngineKind engine)
    {
        using (var first = Create(engine))
            first.AsDistributedCache().Set("session", Bytes("state"), new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(20) });
        using var second = Create(engine);
        Assert.Equal(Bytes("state"), second.AsDistributedCache().Get("session"));
    }

    public void Dispose() => _dir.Dispose();
}
