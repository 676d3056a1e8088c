using StackExchange.Redis;
using TwatCache.Engines;
using TwatCache.Engines.Redis;

namespace TwatCache.Core.Tests;

/// <summary>
/// The engine contract against a Redis-protocol server (Garnet, or redis-server; see <see cref="RedisServer"/>). The contract's fixed "now" (2026-01-01) is checked
/// against the stored expiry; Redis's own (wall-clock) expiry gets the same lifetime, so with lifetimes
/// of minutes nothing vanishes under the test and each expiry assert is decided by the engine's own check.
/// </summary>
[Collection(RedisCollection.Name)]
public sealed class RedisEngineContractTests : EngineContractTests
{
    private readonly RedisEngine _engine;
    private readonly string _context = "contract-" + Guid.NewGuid().ToString("N");
    private readonly RedisServer _redis;

    public RedisEngineContractTests(RedisServer redis)
    {
        _redis = redis;
        _engine = new RedisEngine(redis.ConnectionString, _context);
    }

    private protected override ICacheEngine Engine => _engine;

    [Fact]
    public void Expired_entry_is_gone_from_redis_after_the_read()
    {
        Engine.Set(Entry("k", "v", TimeSpan.FromMinutes(5)));
        Assert.Null(Engine.Get("k", Now + TimeSpan.FromMinutes(6)));
        using var raw = ConnectionMultiplexer.Connect(_redis.ConnectionString);
        Assert.False(raw.GetDatabase().KeyExists(_engine.RedisKeyOf("k")));
    }

    [Fact]
    public void Each_tag_is_a_redis_set_of_entry_keys()
    {
        var e = Entry("k", "v"); e.Tags = new[] { "inventory" };
        Engine.Set(e);
        using var raw = ConnectionMultiplexer.Connect(_redis.ConnectionString);
        Assert.Equal(new[] { "k" }, raw.GetDatabase().SetMembers(_engine.RedisTagKeyOf("inventory")).Select(m => (string)m!).ToArray());
        Assert.Equal(1, Engine.RemoveByTag("inventory"));
        Assert.False(raw.GetDatabase().KeyExists(_engine.RedisTagKeyOf("inventory")));
    }

    [Fact]
    public void A_fail_safe_entry_lives_in_redis_until_its_retention_ends()
    {
        var e = Entry("r", "v", TimeSpan.FromMinutes(5));
        e.StaleUntil = Now + TimeSpan.FromHours(1);
        Engine.Set(e);
        using var raw = ConnectionMultiplexer.Connect(_redis.ConnectionString);
        var ttl = raw.GetDatabase().KeyTimeToLive(_engine.RedisKeyOf("r"));
        Assert.True(ttl > TimeSpan.FromMinutes(55), $"Redis expiry {ttl} should cover the retention");
    }

    public override void Dispose()
    {
        _engine.Clear();
        base.Dispose();
    }
}
