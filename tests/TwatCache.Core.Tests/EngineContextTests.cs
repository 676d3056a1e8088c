using TwatCache.Engines;
using TwatCache.Storage;
using Xunit.Abstractions;

namespace TwatCache.Core.Tests;

/// <summary>Engines as a context drives them: envelope, eviction, Auto layering, recovery, fallback, safety.</summary>
public class EngineContextTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();
    private readonly ITestOutputHelper _output;

    public EngineContextTests(ITestOutputHelper output) => _output = output;

    private CacheContext Create(CacheEngineKind engine, Action<CacheOptions>? tweak = null, string name = "e")
        => TestContexts.Open(engine, _dir, name, _clock, tweak);

    [Theory]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    [InlineData(CacheEngineKind.Auto)]
    public void Persistent_engines_round_trip_across_contexts(CacheEngineKind engine)
    {
        var big = new string('z', 200_000);
        using (var a = Create(engine)) { a.Set("small", "s"); a.Set("big", big); }
        using var b = Create(engine);
        Assert.True(b.TryGet<string>("small", out var s));
        Assert.Equal("s", s);
        Assert.True(b.TryGet<string>("big", out var v));
        Assert.Equal(big, v);
        Assert.Empty(b.Warnings);
    }

    [Fact]
    public void Auto_sends_large_values_to_files_and_small_ones_to_litedb()
    {
        using var ctx = Create(CacheEngineKind.Auto);
        ctx.Set("small", "x");
        ctx.Set("large", Guid.NewGuid().ToString() + new string('q', 40_000) + Guid.NewGuid()); // compressible: sealed size decides
        ctx.Set("random", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(60_000)));
        var fileEntries = Directory.GetDirectories(Path.Combine(_dir.Path, "e.files")).Select(Path.GetFileName).ToList();
        Assert.Equal(new[] { ctx.HashKey("random") }, fileEntries);
        Assert.Equal("Memory+LiteDb+File", ctx.EngineName);
        Assert.Equal(3, ctx.GetStats().Entries);
        // Rewritten small, it moves back to LiteDb and leaves the file store.
        ctx.Set("random", "now small");
        Assert.Empty(Directory.GetDirectories(Path.Combine(_dir.Path, "e.files")));
    }

    [Fact]
    public void A_hit_in_the_store_fills_l1()
    {
        using (var writer = Create(CacheEngineKind.Auto)) writer.Set("k", "v");
        using var reader = Create(CacheEngineKind.Auto);
        Assert.True(reader.TryGet<string>("k", out _));
        // Gone from the store: the next hit can only come from L1.
        using (var other = Create(CacheEngineKind.LiteDb)) Assert.True(other.Remove("k"));
        Assert.True(reader.TryGet<string>("k", out var v));
        Assert.Equal("v", v);
    }

    [Theory]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    public void A_payload_signed_with_another_secret_is_a_miss_and_is_deleted(CacheEngineKind engine)
    {
        using (var a = Create(engine, o => o.Secret = "first")) a.Set("k", "v");
        using var b = Create(engine, o => o.Secret = "second");
        Assert.Equal(1, b.GetStats().Entries);
        Assert.False(b.TryGet<string>("k", out _));
        Assert.Equal(0, b.GetStats().Entries);
    }

    [Fact]
    public void Without_a_secret_a_0600_key_file_is_created_and_used()
    {
        using (var a = Create(CacheEngineKind.LiteDb)) a.Set("k", "v");
        var keyFile = Path.Combine(_dir.Path, SecretKeyFile.FileName);
        Assert.Equal(32, File.ReadAllBytes(keyFile).Length);
        if (OperatingSystem.IsLinux()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        using (var b = Create(CacheEngineKind.LiteDb)) Assert.True(b.TryGet<string>("k", out _));
        File.WriteAllBytes(keyFile, new byte[32]); // a new key: old entries no longer verify
        using var c = Create(CacheEngineKind.LiteDb);
        Assert.False(c.TryGet<string>("k", out _));
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory, EvictionPolicy.Lru, "c")]
    [InlineData(CacheEngineKind.Memory, EvictionPolicy.Lfu, "b")]
    [InlineData(CacheEngineKind.Memory, EvictionPolicy.Fifo, "a")]
    [InlineData(CacheEngineKind.LiteDb, EvictionPolicy.Lru, "c")]
    [InlineData(CacheEngineKind.LiteDb, EvictionPolicy.Lfu, "b")]
    [InlineData(CacheEngineKind.LiteDb, EvictionPolicy.Fifo, "a")]
    [InlineData(CacheEngineKind.File, EvictionPolicy.Lru, "c")]
    [InlineData(CacheEngineKind.File, EvictionPolicy.Lfu, "b")]
    [InlineData(CacheEngineKind.File, EvictionPolicy.Fifo, "a")]
    [InlineData(CacheEngineKind.Auto, EvictionPolicy.Lru, "c")]
    [InlineData(CacheEngineKind.Auto, EvictionPolicy.Lfu, "b")]
    [InlineData(CacheEngineKind.Auto, EvictionPolicy.Fifo, "a")]
    public void MaxEntries_evicts_by_policy(CacheEngineKind engine, EvictionPolicy policy, string expectedVictim)
    {
        using var ctx = Create(engine, o => { o.MaxEntries = 3; o.Policy = policy; });
        ctx.Set("a", 1); _clock.Advance(TimeSpan.FromSeconds(1));
        ctx.Set("b", 2); _clock.Advance(TimeSpan.FromSeconds(1));
        ctx.Set("c", 3); _clock.Advance(TimeSpan.FromSeconds(1));
        // Hits: c 3, a 2, b 1. Last access: c oldest, then b, then a. Written first: a.
        foreach (var key in new[] { "c", "c", "c", "b", "a", "a" })
        {
            Assert.True(ctx.TryGet<int>(key, out _));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        ctx.Set("d", 4);
        Assert.Equal(3, ctx.GetStats().Entries);
        Assert.Equal(1, ctx.GetStats().Evictions);
        Assert.False(ctx.TryGet<int>(expectedVictim, out _), $"{expectedVictim} should have been evicted");
        Assert.True(ctx.TryGet<int>("d", out _));
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    public void Random_policy_and_MaxBytes_keep_the_store_within_bounds(CacheEngineKind engine)
    {
        using var ctx = Create(engine, o => { o.MaxEntries = 5; o.Policy = EvictionPolicy.Random; });
        for (int i = 0; i < 12; i++) ctx.Set("k" + i, i);
        Assert.Equal(5, ctx.GetStats().Entries);
        Assert.Equal(7, ctx.GetStats().Evictions);
        Assert.True(ctx.TryGet<int>("k11", out _)); // the entry just written is never the victim
    }

    [Theory]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    public void MaxBytes_bounds_payload_bytes(CacheEngineKind engine)
    {
        using var ctx = Create(engine, o => { o.MaxBytes = 3_000; o.CompressAbove = -1; });
        for (int i = 0; i < 10; i++) ctx.Set("k" + i, new string('x', 900));
        var stats = ctx.GetStats();
        Assert.True(stats.SizeBytes <= 3_000, $"{stats.SizeBytes} bytes");
        Assert.InRange(stats.Entries, 2, 3); // trimmed to 90% of the limit once over it
        Assert.Equal(10, stats.Entries + stats.Evictions);
        Assert.True(ctx.TryGet<string>("k9", out _));
    }

    [Fact]
    public void A_garbage_litedb_file_is_moved_aside_with_one_warning_and_the_value_still_computed()
    {
        var file = Path.Combine(_dir.Path, "e.tcdb");
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(file, garbage);
        using var ctx = Create(CacheEngineKind.Auto);
        var warning = Assert.Single(ctx.Warnings);
        Assert.Contains("damaged", warning);
        Assert.Single(Directory.GetFiles(_dir.Path, "e.tcdb.corrupt-*"));
        Assert.Equal(42, ctx.GetOrAdd("k", () => 42));
        Assert.Equal("Memory+LiteDb+File", ctx.EngineName);
        using var again = Create(CacheEngineKind.LiteDb);
        Assert.True(again.TryGet<int>("k", out var v));
        Assert.Equal(42, v);
    }

    [Fact]
    public void A_store_that_fails_mid_call_falls_back_to_memory_with_one_warning()
    {
        using var ctx = Create(CacheEngineKind.LiteDb);
        ctx.Set("before", 1);
        // Make the file unusable under the open context: LiteDB shared mode reopens it per operation.
        var file = Path.Combine(_dir.Path, "e.tcdb");
        File.Delete(file);
        Directory.CreateDirectory(file);
        Assert.Equal(7, ctx.GetOrAdd("k", () => 7));
        Assert.Equal(7, ctx.GetOrAdd("k", () => 8)); // served by the memory fallback
        Assert.True(ctx.HasFallenBack);
        Assert.Equal("Memory", ctx.EngineName);
        var warning = Assert.Single(ctx.DrainWarnings());
        Assert.Contains("using memory only", warning);
        ctx.Set("after", 2);
        Assert.Empty(ctx.DrainWarnings());
    }

    [Fact]
    public void An_engine_that_cannot_start_falls_back_to_memory()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "e.files"), "a file where the store directory should be");
        using var ctx = Create(CacheEngineKind.File);
        Assert.Equal("Memory", ctx.EngineName);
        Assert.Contains("unavailable", Assert.Single(ctx.Warnings));
        Assert.Equal(1, ctx.GetOrAdd("k", () => 1));
    }

    [Fact]
    public void A_world_writable_root_is_refused_with_how_to_fix_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0x1FF); // 0777
        var ex = Assert.Throws<CachePathException>(() => Create(CacheEngineKind.LiteDb));
        Assert.Contains("chmod 700", ex.Message);
        Assert.Equal("TwatCache.Path", ex.ErrorId);
    }

    [Fact]
    public void A_root_owned_by_another_user_is_refused()
    {
        if (!OperatingSystem.IsLinux()) return;
        var me = UnixFileOwner.EffectiveUserId();
        Assert.NotNull(me);
        Assert.Equal(me, UnixFileOwner.Stat(_dir.Path)!.Value.Uid);
        if (me != 0) return; // only root can hand a directory to someone else; CI runs as root here
        var other = Path.Combine(_dir.Path, "others");
        Directory.CreateDirectory(other);
        var chown = System.Diagnostics.Process.Start("chown", new[] { "65534", other })!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
        var ex = Assert.Throws<CachePathException>(() => CacheContext.Create(new CacheOptions { Name = "x", Engine = CacheEngineKind.Auto, Root = other }));
        Assert.Contains("owned by uid 65534", ex.Message);
    }

    [Fact]
    public void Root_directories_are_0700_and_store_files_0600()
    {
        if (!OperatingSystem.IsLinux()) return;
        var root = Path.Combine(_dir.Path, "fresh");
        using (var ctx = CacheContext.Create(new CacheOptions { Name = "p", Engine = CacheEngineKind.Auto, Root = root }))
        {
            ctx.Set("k", "v");
            ctx.Set("big", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(60_000)));
            using (ctx.Gate.Acquire(ctx.HashKey("k"), TimeSpan.FromSeconds(5))) { }
        }
        const UnixFileMode dir = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        const UnixFileMode file = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(dir, File.GetUnixFileMode(root));
        foreach (var d in Directory.GetDirectories(root, "*", SearchOption.AllDirectories)) Assert.Equal(dir, File.GetUnixFileMode(d));
        foreach (var f in Directory.GetFiles(root, "*", SearchOption.AllDirectories)) Assert.True(file == File.GetUnixFileMode(f), $"{f}: {File.GetUnixFileMode(f)}");
    }

    [Fact]
    public void The_cross_process_lock_is_exclusive_and_released_on_dispose()
    {
        using var a = Create(CacheEngineKind.LiteDb);
        using var b = Create(CacheEngineKind.LiteDb);
        var hash = a.HashKey("k");
        using (var held = a.Gate.Acquire(hash, TimeSpan.FromSeconds(1)))
        {
            Assert.NotNull(held);
            // b has its own in-process lock table: only the lock file can stop it.
            Assert.Null(b.Gate.Acquire(hash, TimeSpan.FromMilliseconds(200)));
        }
        using var after = b.Gate.Acquire(hash, TimeSpan.FromSeconds(1));
        Assert.NotNull(after);
    }

    [Fact]
    public void Opportunistic_purge_removes_expired_entries_a_batch_at_a_time()
    {
        using var ctx = Create(CacheEngineKind.LiteDb);
        for (int i = 0; i < 100; i++) ctx.Set("old" + i, i, TimeSpan.FromMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(2));
        for (int i = 0; i < Engines.LiteDbEngine.PurgeEvery; i++) ctx.Set("new" + i, i);
        var remaining = ctx.GetEntries().Count;
        Assert.Equal(100 + Engines.LiteDbEngine.PurgeEvery - Engines.LiteDbEngine.PurgeBatch, remaining);
    }

    // Each shared-mode LiteDB write costs milliseconds here, so the default run churns 2,500 writes through
    // 250 slots; TWATCACHE_SOAK=1 runs the full 10,000 writes through 500 slots (about two minutes).
    [Fact]
    public void Churn_keeps_the_litedb_file_bounded()
    {
        bool soak = Environment.GetEnvironmentVariable("TWATCACHE_SOAK") == "1";
        int writes = soak ? 10_000 : 2_500, slots = soak ? 500 : 250, warm = writes / 5;
        using var ctx = Create(CacheEngineKind.LiteDb, o => { o.MaxEntries = slots; o.CompressAbove = -1; });
        var file = Path.Combine(_dir.Path, "e.tcdb");
        var log = Path.Combine(_dir.Path, "e-log.tcdb");
        // Measured once the session has closed (the idle release checkpoints LiteDB's log into the file): mid-session
        // the log alone may hold up to LiteDB's 1,000-page checkpoint size, whatever the churn.
        long StoreBytes()
        {
            var until = DateTime.UtcNow.AddSeconds(5);
            while (File.Exists(log) && new FileInfo(log).Length > 0 && DateTime.UtcNow < until) Thread.Sleep(20);
            return new FileInfo(file).Length + (File.Exists(log) ? new FileInfo(log).Length : 0);
        }
        var value = new string('v', 400);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long atWarm = 0;
        for (int i = 0; i < writes; i++)
        {
            ctx.Set("k" + i, value + i);
            if (i == warm - 1) atWarm = StoreBytes();
        }
        long atEnd = StoreBytes();
        _output.WriteLine($"LiteDb churn: {writes:N0} writes, MaxEntries {slots}, ~450 B payloads: {atWarm:N0} bytes after {warm:N0} writes, {atEnd:N0} after {writes:N0}; {watch.Elapsed.TotalSeconds:F1} s");
        var stats = ctx.GetStats();
        Assert.InRange(stats.Entries, slots - slots / 10, slots);
        Assert.Equal(writes, stats.Entries + stats.Evictions);
        Assert.True(atEnd <= atWarm * 1.5, $"grew from {atWarm} to {atEnd}");
    }

    public void Dispose() => _dir.Dispose();
}
