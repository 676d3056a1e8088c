namespace TwatCache.Core.Tests.Eviction;

/// <summary>Exact eviction order on every local engine (see <see cref="EvictionPattern"/>).</summary>
public sealed class EvictionOrderTests : IDisposable
{
    private readonly TempDir _dir = new();

    public static TheoryData<CacheEngineKind, EvictionPolicy> Cases()
    {
        var data = new TheoryData<CacheEngineKind, EvictionPolicy>();
        foreach (var engine in new[] { CacheEngineKind.Memory, CacheEngineKind.LiteDb, CacheEngineKind.File, CacheEngineKind.Auto })
            foreach (var policy in new[] { EvictionPolicy.Lru, EvictionPolicy.Lfu, EvictionPolicy.Fifo })
                data.Add(engine, policy);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_victim_of_1_2_3_1_4_is_exact_every_time(CacheEngineKind engine, EvictionPolicy policy)
    {
        using var ctx = CacheContext.Create(new CacheOptions { Name = "evict", Engine = engine, Root = _dir.Path, MaxEntries = 3, Policy = policy });
        Assert.Empty(ctx.Warnings);
        var wrong = EvictionPattern.Run(ctx, policy);
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {EvictionPattern.Repetitions} repetitions wrong: {string.Join("; ", wrong.Take(5))}");
    }

    [Theory]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    [InlineData(CacheEngineKind.Auto)]
    public void Two_contexts_on_one_store_share_one_order(CacheEngineKind engine)
    {
        // Two contexts stand for two processes: each has its own memory layer and counters, and only the
        // store (its entries and its sequence) is shared. The read through `b` must count for `a`'s eviction.
        // (`a` does all the writes, so its own count of the store's entries knows when to evict.)
        var options = new CacheOptions { Name = "shared", Engine = engine, Root = _dir.Path, MaxEntries = 3, Policy = EvictionPolicy.Lru };
        using var a = CacheContext.Create(options);
        using var b = CacheContext.Create(options);
        int wrong = 0;
        for (int r = 0; r < EvictionPattern.Repetitions; r++)
        {
            a.Clear();
            string K(string n) => $"r{r}-{n}";
            a.Set(K("1"), "v1");
            a.Set(K("2"), "v2");
            a.Set(K("3"), "v3");
            Assert.True(b.TryGet<string>(K("1"), out _));
            a.Set(K("4"), "v4");
            var labels = a.GetEntries().Select(e => e.Label).ToHashSet();
            if (labels.Contains(K("2")) || !labels.Contains(K("1"))) wrong++;
        }
        Assert.Equal(0, wrong);
    }

    public void Dispose() => _dir.Dispose();
}
