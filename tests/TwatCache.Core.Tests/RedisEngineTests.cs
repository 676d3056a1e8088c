using System.Diagnostics;
using StackExchange.Redis;
using TwatCache.Engines;
using TwatCache.Engines.Redis;

namespace TwatCache.Core.Tests;

/// <summary>Redis-specific behaviour against a Redis-protocol server (Garnet, or redis-server; see <see cref="RedisServer"/>): layout, expiry, SCAN clearing, locks, failures.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisEngineTests : IDisposable
{
    private readonly RedisServer _redis;
    private readonly string _context = "t-" + Guid.NewGuid().ToString("N");
    private readonly RedisEngine _engine;
    private readonly ConnectionMultiplexer _raw;

    public RedisEngineTests(RedisServer redis)
    {
        _redis = redis;
        _engine = new RedisEngine(redis.ConnectionString, _context);
        // A separate connection that looks at the server as redis-cli would.
        _raw = ConnectionMultiplexer.Connect(redis.ConnectionString + ",allowAdmin=true");
    }

    private IDatabase Raw => _raw.GetDatabase();

    private static CacheEntry Entry(string key, string value, DateTimeOffset now, TimeSpan? ttl = null, TimeSpan? sliding = null)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(value);
        return new CacheEntry(key)
        {
            Payload = payload, Format = 1, Created = now, LastAccess = now, Sliding = sliding,
            Expires = sliding.HasValue ? now + sliding.Value : ttl.HasValue ? now + ttl.Value : null,
            SizeBytes = payload.Length, Label = "label " + key,
        };
    }

    [Fact]
    public void An_entry_is_a_hash_under_the_context_prefix_with_payload_and_metadata()
    {
        var now = DateTimeOffset.UtcNow;
        _engine.Set(Entry("0123456789abcdef0123456789abcdef", "hello", now, TimeSpan.FromHours(1)));
        var key = $"twatcache:{_context}:0123456789abcdef0123456789abcdef";
        Assert.Equal(RedisType.Hash, Raw.KeyType(key));
        Assert.Equal("hello", (string?)Raw.HashGet(key, "payload"));
        Assert.Equal("label 0123456789abcdef0123456789abcdef", (string?)Raw.HashGet(key, "label"));
        Assert.Equal(5, (long)Raw.HashGet(key, "size"));
        var ttl = Raw.KeyTimeToLive(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
    }

    [Fact]
    public void Redis_expires_the_entry_after_its_lifetime_on_the_wall_clock()
    {
        _engine.Set(Entry("short", "v", DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(300)));
        Assert.True(Raw.KeyExists(_engine.RedisKeyOf("short")));
        Thread.Sleep(700);
        Assert.False(Raw.KeyExists(_engine.RedisKeyOf("short")));
        Assert.Null(_engine.Get("short", DateTimeOffset.UtcNow));
    }

    [Fact]
    public void An_entry_without_ttl_has_no_redis_expiry_even_after_overwriting_one_with_ttl()
    {
        var now = DateTimeOffset.UtcNow;
        _engine.Set(Entry("k", "1", now, TimeSpan.FromMinutes(1)));
        _engine.Set(Entry("k", "2", now));
        Assert.Null(Raw.KeyTimeToLive(_engine.RedisKeyOf("k")));
        Assert.Equal("2", System.Text.Encoding.UTF8.GetString(_engine.Get("k", now)!.Payload!));
    }

    [Fact]
    public void A_read_of_a_sliding_entry_pushes_its_redis_expiry_back()
    {
        var now = DateTimeOffset.UtcNow;
        _engine.Set(Entry("s", "v", now, sliding: TimeSpan.FromMinutes(1)));
        var key = _engine.RedisKeyOf("s");
        Raw.KeyExpire(key, TimeSpan.FromSeconds(5)); // as if most of the minute had passed
        Assert.NotNull(_engine.Get("s", now + TimeSpan.FromSeconds(55)));
        Raw.Ping(); // the refresh is sent without waiting; a round trip on the other connection is not enough to order it, so wait for it below
        var deadline = DateTime.UtcNow.AddSeconds(5);
        TimeSpan? ttl;
        do { ttl = Raw.KeyTimeToLive(key); } while (ttl < TimeSpan.FromSeconds(30) && DateTime.UtcNow < deadline);
        Assert.InRange(ttl!.Value, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1));
        Assert.Equal((now + TimeSpan.FromSeconds(55) + TimeSpan.FromMinutes(1)).UtcTicks, (long)Raw.HashGet(key, "expires"));
    }

    [Fact]
    public void Hits_are_counted_in_redis_across_engines()
    {
        var now = DateTimeOffset.UtcNow;
        _engine.Set(Entry("h", "v", now));
        using var other = new RedisEngine(_redis.ConnectionString, _context);
        Assert.Equal(1, _engine.Get("h", now)!.Hits);
        Assert.Equal(2, other.Get("h", now)!.Hits);
        Assert.Equal(3, _engine.Get("h", now)!.Hits);
    }

    [Fact]
    public async Task Clear_uses_scan_in_pages_and_removes_only_this_contexts_thousands_of_entries()
    {
        const int count = 5000;
        var now = DateTimeOffset.UtcNow;
        // Fill in one pipelined batch with the engine's layout, then add neighbours that must survive.
        var writes = new List<Task>();
        var batch = Raw.CreateBatch();
        var template = RedisEntryCodec.ToHash(Entry("x", "payload", now));
        for (int i = 0; i < count; i++) writes.Add(batch.HashSetAsync(_engine.RedisKeyOf("k" + i), template));
        batch.Execute();
        await Task.WhenAll(writes);
        using var neighbour = new RedisEngine(_redis.ConnectionString, _context + "-other");
        neighbour.Set(Entry("keep", "v", now));
        Raw.StringSet("unrelated:" + _context, "v");
        Assert.Equal(count, _engine.Summarize().Entries);

        var server = _raw.GetServers().Single();
        // Counts before and after rather than CONFIG RESETSTAT, which Garnet does not have.
        var before = CommandCalls(server);
        Assert.Equal(count, _engine.Clear());

        var after = CommandCalls(server);
        Assert.True(after.GetValueOrDefault("keys") == before.GetValueOrDefault("keys"), "Clear must never send KEYS");
        int scans = after.GetValueOrDefault("scan") - before.GetValueOrDefault("scan");
        Assert.True(scans >= 2, $"expected several SCAN pages, saw {scans} SCAN calls");
        Assert.Equal(0, _engine.Summarize().Entries);
        Assert.NotNull(neighbour.Get("keep", now));
        Assert.True(Raw.KeyExists("unrelated:" + _context));
        neighbour.Clear();
        Raw.KeyDelete("unrelated:" + _context);
    }

    // Calls per command from INFO commandstats ("cmdstat_scan" -> "calls=3,usec=...").
    private static Dictionary<string, int> CommandCalls(IServer server)
        => server.Info("commandstats").SelectMany(g => g)
            .Where(p => p.Key.StartsWith("cmdstat_", StringComparison.Ordinal))
            .ToDictionary(p => p.Key.Substring("cmdstat_".Length).ToLowerInvariant(), p => int.Parse(p.Value.Split(',')[0].Split('=')[1]));

    [Fact]
    public void List_and_summary_read_metadata_of_this_context_only()
    {
        var now = DateTimeOffset.UtcNow;
        _engine.Set(Entry("a", "12345", now, TimeSpan.FromHours(1)));
        _engine.Set(Entry("b", "123", now));
        using var neighbour = new RedisEngine(_redis.ConnectionString, _context + "-n");
        neighbour.Set(Entry("c", "1", now));
        var list = _engine.List().OrderBy(e => e.Key).ToList();
        Assert.Equal(new[] { "a", "b" }, list.Select(e => e.Key));
        Assert.All(list, e => Assert.Null(e.Payload));
        Assert.Equal(now.UtcTicks, list[0].Created.UtcTicks);
        Assert.Equal((now + TimeSpan.FromHours(1)).UtcTicks, list[0].Expires!.Value.UtcTicks);
        Assert.Null(list[1].Expires);
        Assert.Equal(8, _engine.Summarize().PayloadBytes);
        neighbour.Clear();
    }

    [Fact]
    public void A_hash_written_by_hand_without_payload_is_a_miss_not_an_error()
    {
        Raw.HashSet(_engine.RedisKeyOf("forged"), new[] { new HashEntry("fmt", "not a number"), new HashEntry("label", "x") });
        Assert.Null(_engine.Get("forged", DateTimeOffset.UtcNow));
    }

    [Fact]
    public void A_lock_is_exclusive_until_its_owner_releases_it()
    {
        using var other = new RedisEngine(_redis.ConnectionString, _context);
        var held = _engine.AcquireLock("key", TimeSpan.FromSeconds(1));
        Assert.NotNull(held);
        Assert.Null(other.AcquireLock("key", TimeSpan.FromMilliseconds(200)));
        Assert.NotNull(other.AcquireLock("another-key", TimeSpan.FromMilliseconds(200)));
        held!.Dispose();
        using var next = other.AcquireLock("key", TimeSpan.FromSeconds(1));
        Assert.NotNull(next);
    }

    [Fact]
    public async Task A_waiter_gets_the_lock_when_the_owner_releases_it_while_it_polls()
    {
        var held = _engine.AcquireLock("key", TimeSpan.FromSeconds(1))!;
        var waiter = Task.Run(() => _engine.AcquireLock("key", TimeSpan.FromSeconds(30)));
        Thread.Sleep(300);
        Assert.False(waiter.IsCompleted);
        held.Dispose();
        using var got = await waiter;
        Assert.NotNull(got);
    }

    [Fact]
    public async Task The_async_lock_excludes_the_sync_one_and_is_released_by_its_owner()
    {
        var held = await _engine.AcquireLockAsync("key", TimeSpan.FromSeconds(1));
        Assert.NotNull(held);
        Assert.Null(await _engine.AcquireLockAsync("key", TimeSpan.FromMilliseconds(200)));
        Assert.Null(_engine.AcquireLock("key", TimeSpan.FromMilliseconds(100)));
        var waiter = _engine.AcquireLockAsync("key", TimeSpan.FromSeconds(30));
        held!.Dispose();
        using var next = await waiter;
        Assert.NotNull(next);
    }

    [Fact]
    public void A_dead_owners_lock_expires_and_a_waiter_takes_it()
    {
        // A lock left by a process that died: nobody renews or deletes it.
        Raw.StringSet($"twatcache-lock:{_context}:key", "dead-owner", TimeSpan.FromMilliseconds(500));
        using var got = _engine.AcquireLock("key", TimeSpan.FromSeconds(30));
        Assert.NotNull(got);
        Assert.NotEqual("dead-owner", (string?)Raw.StringGet($"twatcache-lock:{_context}:key"));
    }

    [Fact]
    public void Release_never_deletes_a_lock_that_another_owner_holds_now()
    {
        var held = _engine.AcquireLock("key", TimeSpan.FromSeconds(1))!;
        Raw.StringSet($"twatcache-lock:{_context}:key", "someone-else");
        held.Dispose();
        Assert.Equal("someone-else", (string?)Raw.StringGet($"twatcache-lock:{_context}:key"));
        Raw.KeyDelete($"twatcache-lock:{_context}:key");
    }

    [Fact]
    public void A_held_lock_is_renewed_past_its_lease()
    {
        // Renewal runs every lease/3; a 2 s lease leaves over a second of slack for a busy thread pool.
        _engine.LockLease = TimeSpan.FromSeconds(2);
        using var held = _engine.AcquireLock("key", TimeSpan.FromSeconds(1));
        Thread.Sleep(5000);
        Assert.True(Raw.KeyExists($"twatcache-lock:{_context}:key"));
        Assert.Null(_engine.AcquireLock("key", TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void A_context_on_redis_shares_entries_with_another_context_of_the_same_name()
    {
        var options = new CacheOptions { Name = _context, Engine = CacheEngineKind.Redis, ConnectionString = _redis.ConnectionString };
        using var hostA = CacheContext.Create(options);
        using var hostB = CacheContext.Create(options);
        Assert.Equal("Redis", hostA.EngineName);
        int runs = 0;
        Assert.Equal(42, hostA.GetOrAdd("answer", () => { runs++; return 42; }, TimeSpan.FromMinutes(1)));
        Assert.Equal(42, hostB.GetOrAdd("answer", () => { runs++; return 0; }, TimeSpan.FromMinutes(1)));
        Assert.Equal(1, runs);
        Assert.True(hostB.Remove("answer"));
        Assert.False(hostA.TryGet<int>("answer", out _));
        Assert.StartsWith("redis://127.0.0.1:", hostA.GetStats().Path);
    }

    [Fact]
    public async Task Contexts_on_redis_run_the_factory_once_under_contention()
    {
        var options = new CacheOptions { Name = _context, Engine = CacheEngineKind.Redis, ConnectionString = _redis.ConnectionString };
        var contexts = Enumerable.Range(0, 4).Select(_ => CacheContext.Create(options)).ToList();
        int runs = 0;
        var results = contexts.Select(ctx => Task.Run(() => ctx.GetOrAdd("slow", () =>
        {
            Interlocked.Increment(ref runs);
            Thread.Sleep(300);
            return "done";
        }))).ToArray();
        var values = await Task.WhenAll(results);
        Assert.All(values, v => Assert.Equal("done", v));
        Assert.Equal(1, runs);
        contexts.ForEach(c => c.Dispose());
    }

    [Fact]
    public void The_connection_string_comes_from_the_environment_when_options_have_none()
    {
        var saved = Environment.GetEnvironmentVariable(RedisEngine.ConnectionVariable);
        try
        {
            Environment.SetEnvironmentVariable(RedisEngine.ConnectionVariable, _redis.ConnectionString);
            using var ctx = CacheContext.Create(new CacheOptions { Name = _context, Engine = CacheEngineKind.Redis });
            ctx.Set("k", "v");
            Assert.True(Raw.KeyExists(_engine.RedisKeyOf(ctx.HashKey("k"))));
            Environment.SetEnvironmentVariable(RedisEngine.ConnectionVariable, null);
            Assert.Throws<CacheConfigurationException>(() => CacheContext.Create(new CacheOptions { Name = _context, Engine = CacheEngineKind.Redis }));
        }
        finally
        {
            Environment.SetEnvironmentVariable(RedisEngine.ConnectionVariable, saved);
        }
    }

    [Fact]
    public void A_server_that_is_down_at_start_is_reported_as_unavailable_within_seconds()
    {
        var port = RedisServer.FreePort();
        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<CacheEngineUnavailableException>(() => new RedisEngine($"127.0.0.1:{port}", _context));
        watch.Stop();
        Assert.Equal("TwatCache.EngineUnavailable", ex.ErrorId);
        Assert.Contains($"127.0.0.1:{port}", ex.Message);
        // A generous bound, not a speed check: a down server must cost seconds (timeouts of 2 s), never minutes.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    [Fact]
    public void A_server_that_dies_mid_run_makes_operations_fail_as_unavailable()
    {
        using var own = new RedisServer();
        var engine = new RedisEngine(own.ConnectionString, _context);
        var now = DateTimeOffset.UtcNow;
        engine.Set(Entry("k", "v", now));
        own.Stop();
        var ex = Assert.Throws<CacheEngineUnavailableException>(() =>
        {
            // The first command after the kill may be the one that notices the closed socket.
            for (int i = 0; i < 50; i++) { engine.Get("k", now); Thread.Sleep(20); }
        });
        Assert.True(ex.InnerException is RedisException || ex.InnerException is TimeoutException, ex.ToString());
        Assert.Throws<CacheEngineUnavailableException>(() => engine.Set(Entry("k2", "v", now)));
        Assert.Throws<CacheEngineUnavailableException>(() => engine.Clear());
        // A lock cannot be had, and waiting for it would only delay the caller: null, as after a timeout.
        Assert.Null(engine.AcquireLock("k", TimeSpan.FromSeconds(30)));
        // A new engine on the same (shared, reconnecting) connection refuses to start while the server is away.
        Assert.Throws<CacheEngineUnavailableException>(() => new RedisEngine(own.ConnectionString, _context));
    }

    public void Dispose()
    {
        _engine.Clear();
        _raw.Dispose();
    }
}
