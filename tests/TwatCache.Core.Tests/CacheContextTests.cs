using TwatCache.Serialization;

namespace TwatCache.Core.Tests;

public class CacheContextTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();

    private CacheContext Create(CacheEngineKind engine = CacheEngineKind.LiteDb, string name = "t", ICacheSerializer? serializer = null)
        => TestContexts.Open(engine, _dir, name, _clock, o => o.Serializer = serializer);

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.Auto)]
    public void GetOrAdd_runs_the_factory_once_and_counts(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        int runs = 0;
        Assert.Equal(42, ctx.GetOrAdd("answer", () => { runs++; return 42; }));
        Assert.Equal(42, ctx.GetOrAdd("answer", () => { runs++; return 0; }));
        Assert.Equal(1, runs);
        var stats = ctx.GetStats();
        Assert.Equal(1, stats.Hits);
        Assert.Equal(1, stats.Misses);
        Assert.Equal(1, stats.Entries);
        Assert.Equal(0.5, stats.HitRate);
    }

    [Fact]
    public void Values_persist_across_contexts_on_the_same_root()
    {
        using (var first = Create()) first.Set("k", new[] { "a", "b" });
        using var second = Create();
        Assert.True(second.TryGet<string[]>("k", out var v));
        Assert.Equal(new[] { "a", "b" }, v);
    }

    [Fact]
    public void Ttl_expires_by_the_context_clock()
    {
        using var ctx = Create(CacheEngineKind.Auto);
        ctx.Set("k", 1, TimeSpan.FromMinutes(5));
        _clock.Advance(TimeSpan.FromMinutes(4));
        Assert.True(ctx.TryGet<int>("k", out _));
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(ctx.TryGet<int>("k", out _));
    }

    [Fact]
    public void Default_ttl_applies_when_the_write_has_none()
    {
        using var ctx = CacheContext.Create(new CacheOptions { Name = "d", Engine = CacheEngineKind.Memory, DefaultTtl = TimeSpan.FromMinutes(1), Clock = () => _clock.Now });
        ctx.Set("k", "v");
        _clock.Advance(TimeSpan.FromMinutes(2));
        Assert.False(ctx.TryGet<string>("k", out _));
    }

    [Fact]
    public void A_factory_that_throws_leaves_no_entry_and_rethrows()
    {
        using var ctx = Create();
        Assert.Throws<InvalidOperationException>(() => ctx.GetOrAdd<int>("k", () => throw new InvalidOperationException("boom")));
        Assert.False(ctx.TryGet<int>("k", out _));
        Assert.Equal(0, ctx.GetStats().Entries);
    }

    [Fact]
    public void A_payload_in_another_format_is_a_miss_and_is_kept_for_its_own_readers()
    {
        using (var json = Create()) json.Set("k", "written as json");
        using var other = Create(serializer: new OtherFormat());
        Assert.False(other.TryGet<string>("k", out _));
        Assert.Equal(1, other.GetStats().Entries);
    }

    [Fact]
    public void An_unreadable_payload_is_a_miss_not_an_exception()
    {
        using (var ctx = Create()) ctx.Set("k", "fine");
        using var broken = Create(serializer: new ThrowingReader());
        Assert.False(broken.TryGet<string>("k", out _));
    }

    [Fact]
    public void Clear_and_remove_reach_every_layer()
    {
        using var ctx = Create(CacheEngineKind.Auto);
        ctx.Set("a", 1);
        ctx.Set("b", 2);
        Assert.True(ctx.Remove("a"));
        Assert.False(ctx.TryGet<int>("a", out _));
        Assert.Equal(1, ctx.Clear());
        Assert.False(ctx.TryGet<int>("b", out _));
    }

    [Fact]
    public void Temporary_context_deletes_its_storage_on_dispose()
    {
        var ctx = CacheContext.Create(new CacheOptions { Name = "tmp", Engine = CacheEngineKind.LiteDb, Temporary = true });
        ctx.Set("k", 1);
        var file = ctx.Path!;
        Assert.True(File.Exists(file));
        ctx.Dispose();
        Assert.False(File.Exists(file));
        Assert.False(Directory.Exists(Path.GetDirectoryName(file)));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("")]
    [InlineData("x..y")]
    [InlineData("nul\0")]
    public void Bad_names_are_refused(string name)
        => Assert.Throws<CacheConfigurationException>(() => Create(name: name));

    [Fact]
    public void Concurrent_callers_of_one_key_run_the_factory_once()
    {
        using var ctx = Create(CacheEngineKind.Auto);
        int runs = 0;
        var results = Enumerable.Range(0, 16).AsParallel().WithDegreeOfParallelism(16).Select(_ => ctx.GetOrAdd("shared", () =>
        {
            Interlocked.Increment(ref runs);
            Thread.Sleep(100);
            return "value";
        })).ToArray();
        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal("value", r));
        Assert.Equal(0, ctx.Gate.Locks.ActiveKeys);
    }

    [Fact]
    public void Disposed_context_refuses_use()
    {
        var ctx = Create();
        ctx.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ctx.Set("k", 1));
    }

    public void Dispose() => _dir.Dispose();

    private sealed class OtherFormat : ICacheSerializer
    {
        private readonly JsonCacheSerializer _json = new();
        public int FormatId => 99;
        public string Name => "Other";
        public byte[] Serialize(object? value, Type type) => _json.Serialize(value, type);
        public object? Deserialize(byte[] payload, Type type) => _json.Deserialize(payload, type);
    }

    private sealed class ThrowingReader : ICacheSerializer
    {
        public int FormatId => JsonCacheSerializer.Id;
        public string Name => "Broken";
        public byte[] Serialize(object? value, Type type) => new JsonCacheSerializer().Serialize(value, type);
        public object? Deserialize(byte[] payload, Type type) => throw new FormatException("damaged");
    }
}
