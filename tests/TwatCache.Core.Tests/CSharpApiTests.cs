namespace TwatCache.Core.Tests;

/// <summary>Every public method of the C# API on every local engine, against real stores in temp dirs.</summary>
public class CSharpApiTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();

    private CacheContext Create(CacheEngineKind engine, string name = "api")
        => TestContexts.Open(engine, _dir, name, _clock);

    public sealed class Report
    {
        public string Title { get; set; } = "";
        public int[] Figures { get; set; } = Array.Empty<int>();
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void GetOrAdd_computes_once_and_honours_its_ttl(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        int runs = 0;
        Report Build() { runs++; return new Report { Title = "r", Figures = new[] { 1, 2 } }; }
        Assert.Equal("r", ctx.GetOrAdd("report", Build, TimeSpan.FromMinutes(5)).Title);
        Assert.Equal(new[] { 1, 2 }, ctx.GetOrAdd("report", Build, TimeSpan.FromMinutes(5)).Figures);
        Assert.Equal(1, runs);
        _clock.Advance(TimeSpan.FromMinutes(6));
        ctx.GetOrAdd("report", Build, TimeSpan.FromMinutes(5));
        Assert.Equal(2, runs);
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public async Task GetOrAddAsync_computes_once_and_shares_the_key_space_of_the_sync_api(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        int runs = 0;
        async Task<int> Build(CancellationToken ct) { runs++; await Task.Yield(); return 7; }
        Assert.Equal(7, await ctx.GetOrAddAsync("n", Build, TimeSpan.FromMinutes(1)));
        Assert.Equal(7, await ctx.GetOrAddAsync("n", Build, TimeSpan.FromMinutes(1)));
        Assert.Equal(1, runs);
        Assert.True(ctx.TryGet<int>("n", out var sync));
        Assert.Equal(7, sync);
        Assert.Equal(7, ctx.GetOrAdd("n", () => -1));
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Set_TryGet_Remove_Clear_and_GetStats(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        Assert.False(ctx.TryGet<string>("a", out _));
        ctx.Set("a", "alpha", TimeSpan.FromMinutes(1));
        ctx.Set("b", new Report { Title = "beta" });
        Assert.True(ctx.TryGet<string>("a", out var a));
        Assert.Equal("alpha", a);
        Assert.True(ctx.TryGet<Report>("b", out var b));
        Assert.Equal("beta", b.Title);

        var stats = ctx.GetStats();
        Assert.Equal("api", stats.Context);
        Assert.Equal(2, stats.Entries);
        Assert.Equal(2, stats.Hits);
        Assert.Equal(1, stats.Misses);

        Assert.True(ctx.Remove("a"));
        Assert.False(ctx.Remove("a"));
        Assert.False(ctx.TryGet<string>("a", out _));
        Assert.Equal(1, ctx.Clear());
        Assert.False(ctx.TryGet<Report>("b", out _));
        Assert.Equal(0, ctx.GetStats().Entries);
    }

    [Theory, MemberData(nameof(EngineKinds.Persistent), MemberType = typeof(EngineKinds))]
    public async Task Values_written_async_are_found_by_a_later_context(CacheEngineKind engine)
    {
        using (var first = Create(engine))
            await first.GetOrAddAsync("k", _ => Task.FromResult(new Report { Title = "kept" }));
        using var second = Create(engine);
        Assert.True(second.TryGet<Report>("k", out var r));
        Assert.Equal("kept", r.Title);
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Memoize_keys_the_argument_in_canonical_form(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        int runs = 0;
        var memo = ctx.Memoize<Dictionary<string, int>, int>(d => { runs++; return d.Values.Sum(); }, TimeSpan.FromMinutes(5), "sum");
        Assert.Equal(3, memo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }));
        // Another instance with the same pairs in the same order: the same canonical argument, a hit.
        Assert.Equal(3, memo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 }));
        Assert.Equal(1, runs);
        // Other insertion order: a Dictionary enumerates in insertion order, which the function could see: a miss.
        Assert.Equal(3, memo(new Dictionary<string, int> { ["b"] = 2, ["a"] = 1 }));
        Assert.Equal(2, runs);
        Assert.Equal(5, memo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 4 }));
        Assert.Equal(3, runs);
        _clock.Advance(TimeSpan.FromMinutes(6));
        memo(new Dictionary<string, int> { ["a"] = 1, ["b"] = 2 });
        Assert.Equal(4, runs);
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Memoized_functions_do_not_share_entries(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        var twice = ctx.Memoize<int, int>(Twice);
        var square = ctx.Memoize<int, int>(Square);
        var named = ctx.Memoize<int, int>(x => x + 100, name: "plus100");
        Assert.Equal(6, twice(3));
        Assert.Equal(9, square(3));
        Assert.Equal(103, named(3));
        Assert.Equal(6, twice(3));
        Assert.Equal(3, ctx.GetStats().Entries);
        Assert.False(ctx.TryGet<int>("3", out _));
    }

    private static int Twice(int x) => x * 2;
    private static int Square(int x) => x * x;

    [Theory, MemberData(nameof(EngineKinds.Persistent), MemberType = typeof(EngineKinds))]
    public void Memoized_results_persist_for_a_later_context(CacheEngineKind engine)
    {
        using (var first = Create(engine)) Assert.Equal(6, first.Memoize<int, int>(Twice)(3));
        using var second = Create(engine);
        Assert.Equal(6, second.Memoize<int, int>(_ => throw new InvalidOperationException("must not run"), name: typeof(CSharpApiTests).FullName + ".Twice")(3));
    }

    [Fact]
    public void Memoize_refuses_an_argument_that_cannot_be_keyed()
    {
        using var ctx = Create(CacheEngineKind.Memory);
        var memo = ctx.Memoize<Func<int>, int>(f => f());
        var ex = Assert.Throws<CacheKeyException>(() => memo(() => 1));
        Assert.Contains("argument", ex.Message);
    }

    public void Dispose() => _dir.Dispose();
}
