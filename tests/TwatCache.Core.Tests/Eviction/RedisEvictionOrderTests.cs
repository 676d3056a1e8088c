namespace TwatCache.Core.Tests.Eviction;

/// <summary>Exact eviction order on Redis (the context evicts there too), see <see cref="EvictionPattern"/>.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisEvictionOrderTests
{
    private readonly RedisServer _redis;

    public RedisEvictionOrderTests(RedisServer redis) => _redis = redis;

    [Theory]
    [InlineData(CacheEngineKind.Redis, EvictionPolicy.Lru)]
    [InlineData(CacheEngineKind.Redis, EvictionPolicy.Lfu)]
    [InlineData(CacheEngineKind.Redis, EvictionPolicy.Fifo)]
    [InlineData(CacheEngineKind.Auto, EvictionPolicy.Lru)] // Memory L1 in front of Redis
    public void The_victim_of_1_2_3_1_4_is_exact_every_time(CacheEngineKind engine, EvictionPolicy policy)
    {
        using var ctx = CacheContext.Create(new CacheOptions
        {
            Name = "evict-" + Guid.NewGuid().ToString("N").Substring(0, 12), Engine = engine, ConnectionString = _redis.ConnectionString,
            MaxEntries = 3, Policy = policy, Temporary = true,
        });
        Assert.Empty(ctx.Warnings);
        var wrong = EvictionPattern.Run(ctx, policy);
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {EvictionPattern.Repetitions} repetitions wrong: {string.Join("; ", wrong.Take(5))}");
    }
}
