using StackExchange.Redis;
using TwatCache.Serialization;

namespace TwatCache.Core.Tests;

/// <summary>A <see cref="CacheContext"/> on Redis: signed payloads and falling back when the server is away.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisContextTests : IDisposable
{
    private readonly RedisServer _redis;
    private readonly string _context = "ctx-" + Guid.NewGuid().ToString("N");
    private readonly ConnectionMultiplexer _raw;

    public RedisContextTests(RedisServer redis)
    {
        _redis = redis;
        _raw = ConnectionMultiplexer.Connect(redis.ConnectionString);
    }

    private CacheOptions Options(string? secret = null, string? connection = null)
        => new() { Name = _context, Engine = CacheEngineKind.Redis, ConnectionString = connection ?? _redis.ConnectionString, Secret = secret };

    private string RedisKey(CacheContext ctx, string key) => $"twatcache:{_context}:{ctx.HashKey(key)}";

    private static byte[] Unsigned(string value)
        => PayloadEnvelope.Seal(new JsonCacheSerializer().Serialize(value, typeof(string)), JsonCacheSerializer.Id, -1, null);

    [Fact]
    public void A_temporary_context_deletes_its_own_keys_on_dispose_and_spares_the_shared_ones()
    {
        using var shared = CacheContext.Create(Options());
        shared.Set("k", "shared value");
        var temporary = CacheContext.Create(new CacheOptions { Name = _context, Engine = CacheEngineKind.Redis, ConnectionString = _redis.ConnectionString, Temporary = true });
        temporary.Set("k", "temporary value");
        Assert.True(temporary.TryGet<string>("k", out var t) && t == "temporary value");
        var server = _raw.GetServers()[0];
        Assert.NotEmpty(server.Keys(pattern: $"twatcache:{_context}.tmp-*"));
        temporary.Dispose();
        Assert.Empty(server.Keys(pattern: $"twatcache:{_context}.tmp-*"));
        Assert.True(shared.TryGet<string>("k", out var v) && v == "shared value");
    }

    [Fact]
    public void With_a_secret_a_forged_unsigned_payload_is_a_miss_and_is_deleted()
    {
        using var ctx = CacheContext.Create(Options(secret: "shared-secret"));
        ctx.Set("k", "genuine");
        Assert.True(ctx.TryGet<string>("k", out var v) && v == "genuine");

        // Someone with write access to Redis but not the secret replaces the payload.
        _raw.GetDatabase().HashSet(RedisKey(ctx, "k"), "payload", Unsigned("forged"));
        Assert.False(ctx.TryGet<string>("k", out _));
        Assert.False(_raw.GetDatabase().KeyExists(RedisKey(ctx, "k")));
    }

    [Fact]
    public void A_payload_signed_with_another_secret_is_a_miss()
    {
        using var attacker = CacheContext.Create(Options(secret: "guessed"));
        attacker.Set("k", "forged");
        using var ctx = CacheContext.Create(Options(secret: "shared-secret"));
        Assert.False(ctx.TryGet<string>("k", out _));
    }

    [Fact]
    public void Hosts_sharing_the_secret_read_each_others_entries()
    {
        using var hostA = CacheContext.Create(Options(secret: "shared-secret"));
        using var hostB = CacheContext.Create(Options(secret: "shared-secret"));
        hostA.Set("k", "shared");
        Assert.True(hostB.TryGet<string>("k", out var v));
        Assert.Equal("shared", v);
    }

    [Fact]
    public void Without_a_secret_the_same_unsigned_payload_is_read()
    {
        // The counterpart of the forgery test: what the secret protects against is otherwise accepted.
        using var ctx = CacheContext.Create(Options());
        ctx.Set("k", "genuine");
        _raw.GetDatabase().HashSet(RedisKey(ctx, "k"), "payload", Unsigned("forged"));
        Assert.True(ctx.TryGet<string>("k", out var v));
        Assert.Equal("forged", v);
    }

    [Fact]
    public void A_server_down_at_start_falls_back_to_memory_with_one_warning()
    {
        using var ctx = CacheContext.Create(Options(connection: $"127.0.0.1:{RedisServer.FreePort()}"));
        Assert.Equal("Memory", ctx.EngineName);
        var warning = Assert.Single(ctx.Warnings);
        Assert.Contains("Redis", warning);
        int runs = 0;
        Assert.Equal(7, ctx.GetOrAdd("k", () => { runs++; return 7; }));
        Assert.Equal(7, ctx.GetOrAdd("k", () => { runs++; return 7; }));
        Assert.Equal(1, runs);
    }

    [Fact]
    public void A_server_that_dies_mid_run_makes_the_context_fall_back_and_still_return_results()
    {
        using var own = new RedisServer();
        using var ctx = CacheContext.Create(Options(connection: own.ConnectionString));
        Assert.Equal("Redis", ctx.EngineName);
        ctx.Set("before", 1);
        own.Stop();
        int runs = 0;
        Assert.Equal(2, ctx.GetOrAdd("after", () => { runs++; return 2; }));
        Assert.Equal(2, ctx.GetOrAdd("after", () => { runs++; return 2; }));
        Assert.Equal(1, runs);
        Assert.True(ctx.HasFallenBack);
        Assert.Equal("Memory", ctx.EngineName);
        var warning = Assert.Single(ctx.DrainWarnings());
        Assert.Contains("Redis", warning);
        Assert.Empty(ctx.DrainWarnings());
    }

    [Fact]
    public void Auto_with_a_connection_string_puts_memory_in_front_of_redis()
    {
        var options = Options();
        options.Engine = CacheEngineKind.Auto;
        using var hostA = CacheContext.Create(options);
        using var hostB = CacheContext.Create(options);
        Assert.Equal("Memory+Redis", hostA.EngineName);
        hostA.Set("k", "shared");
        // B has nothing in memory: its hit comes from Redis.
        Assert.True(hostB.TryGet<string>("k", out var fromRedis));
        Assert.Equal("shared", fromRedis);
        // With the Redis entry gone, each host still answers from its own memory layer.
        _raw.GetDatabase().KeyDelete(RedisKey(hostA, "k"));
        Assert.True(hostA.TryGet<string>("k", out var fromMemory));
        Assert.Equal("shared", fromMemory);
        using var hostC = CacheContext.Create(options);
        Assert.False(hostC.TryGet<string>("k", out _));
    }

    [Fact]
    public void Auto_without_a_connection_string_stays_local()
    {
        using var dir = new TempDir();
        var saved = Environment.GetEnvironmentVariable("TWATCACHE_REDIS");
        try
        {
            // The environment alone does not move Auto contexts to Redis; only an explicit connection string does.
            Environment.SetEnvironmentVariable("TWATCACHE_REDIS", _redis.ConnectionString);
            using var ctx = CacheContext.Create(new CacheOptions { Name = _context, Engine = CacheEngineKind.Auto, Root = dir.Path });
            Assert.DoesNotContain("Redis", ctx.EngineName);
        }
        finally
        {
            Environment.SetEnvironmentVariable("TWATCACHE_REDIS", saved);
        }
    }

    public void Dispose()
    {
        var server = _raw.GetServers().Single();
        foreach (var key in server.Keys(pattern: $"twatcache:{_context}:*")) _raw.GetDatabase().KeyDelete(key);
        _raw.Dispose();
    }
}
