namespace TwatCache.Core.Tests;

/// <summary>
/// The per-entry metadata added for Invoke-Cached's miss explanations and -ExpiresAt: <see cref="CacheEntryOptions.KeyParts"/>
/// persisted by every local engine and read back by a new context, and <see cref="CacheEntryOptions.ExpiresAt"/> as an exact expiry.
/// </summary>
public sealed class EntryKeyPartsAndExpiresAtTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();

    private CacheContext Create(CacheEngineKind engine)
        => CacheContext.Create(new CacheOptions { Name = "parts", Engine = engine, Root = _dir.Path, Clock = () => _clock.Now });

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    [InlineData(CacheEngineKind.Auto)]
    public void KeyParts_are_stored_with_the_entry_and_listed(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        ctx.SetByHash(ctx.HashKey("k"), "v", typeof(string), new CacheEntryOptions { KeyParts = "block text #0123456789abcdef\n$org #fedcba9876543210 = 'contoso'" });
        Assert.Equal("block text #0123456789abcdef\n$org #fedcba9876543210 = 'contoso'", ctx.GetEntries().Single().KeyParts);
    }

    [Theory]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    public void KeyParts_survive_a_new_context_and_entries_without_them_read_as_null(CacheEngineKind engine)
    {
        using (var ctx = Create(engine))
        {
            ctx.SetByHash(ctx.HashKey("with"), "v", typeof(string), new CacheEntryOptions { KeyParts = "-Key #0123456789abcdef" });
            ctx.Set("without", "w");
        }
        using var again = Create(engine);
        var rows = again.GetEntries().ToDictionary(r => r.Label);
        Assert.Null(rows["without"].KeyParts);
        Assert.Equal("-Key #0123456789abcdef", again.GetEntries().Single(r => r.KeyParts != null).KeyParts);
        Assert.True(again.TryGet<string>("without", out var w));
        Assert.Equal("w", w);
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    public void ExpiresAt_is_the_exact_expiry_and_the_entry_is_gone_after_it(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var at = _clock.Now.AddMinutes(7).AddTicks(3);
        ctx.SetByHash(ctx.HashKey("k"), "v", typeof(string), new CacheEntryOptions { ExpiresAt = at });
        Assert.Equal(at, ctx.GetEntries().Single().Expires);
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(ctx.TryGet<string>("k", out _));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(ctx.TryGet<string>("k", out _));
    }

    [Fact]
    public void ExpiresAt_with_a_sliding_lifetime_caps_it()
    {
        using var ctx = Create(CacheEngineKind.LiteDb);
        var at = _clock.Now.AddMinutes(3);
        ctx.SetByHash(ctx.HashKey("k"), "v", typeof(string), new CacheEntryOptions { ExpiresAt = at, SlidingTtl = TimeSpan.FromMinutes(2) });
        _clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.True(ctx.TryGet<string>("k", out _)); // renews to 3.5m, capped at 3m
        Assert.Equal(at, ctx.GetEntries().Single().Expires);
    }

    public void Dispose() => _dir.Dispose();
}
