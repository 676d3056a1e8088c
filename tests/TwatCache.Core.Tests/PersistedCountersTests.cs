using TwatCache.Diagnostics;

namespace TwatCache.Core.Tests;

public class PersistedCountersTests : IDisposable
{
    private readonly TempDir _dir = new();

    private CacheContext Create(CacheEngineKind engine = CacheEngineKind.LiteDb, bool temporary = false)
        => TestContexts.Open(engine, _dir, "s", tweak: o => o.Temporary = temporary);

    [Fact]
    public void A_second_context_sees_the_first_ones_total_plus_its_own()
    {
        using (var first = Create())
        {
            first.GetOrAdd("a", () => 1);
            first.GetOrAdd("a", () => 1);
            first.GetOrAdd("b", () => 2);
        }
        using var second = Create();
        Assert.Equal(1, second.GetStats().Hits);
        Assert.Equal(2, second.GetStats().Misses);
        second.GetOrAdd("a", () => 1);
        var stats = second.GetStats();
        Assert.Equal(2, stats.Hits);
        Assert.Equal(2, stats.Misses);
        Assert.Equal(0.5, stats.HitRate);
    }

    [Fact]
    public void Since_is_when_counting_first_started()
    {
        DateTimeOffset firstSince;
        using (var first = Create())
        {
            firstSince = first.Since;
            first.GetOrAdd("a", () => 1);
        }
        Thread.Sleep(20);
        using var second = Create();
        Assert.Equal(firstSince, second.GetStats().Since);
    }

    [Fact]
    public async Task Concurrent_flushes_lose_no_counts()
    {
        var file = PersistedCounters.PathFor(_dir.Path, "c");
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var live = new CacheCounters();
            using var persisted = new PersistedCounters(file, live, DateTimeOffset.UtcNow, TimeSpan.Zero);
            for (int i = 0; i < 50; i++)
            {
                live.Hit();
                live.Miss();
                if (i % 5 == 0) persisted.Flush();
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var stats = new CacheStats { Since = DateTimeOffset.UtcNow };
        using var reader = new PersistedCounters(file, new CacheCounters(), DateTimeOffset.UtcNow, TimeSpan.Zero);
        reader.ApplyTo(stats);
        Assert.Equal(200, stats.Hits);
        Assert.Equal(200, stats.Misses);
    }

    [Fact]
    public void The_timer_flushes_without_a_dispose()
    {
        var file = PersistedCounters.PathFor(_dir.Path, "t");
        var live = new CacheCounters();
        using var persisted = new PersistedCounters(file, live, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(50));
        live.Hit();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(file) && DateTime.UtcNow < deadline) Thread.Sleep(20);
        Assert.Contains("\"Hits\":1", File.ReadAllText(file));
    }

    [Fact]
    public void A_removed_root_is_not_recreated_for_statistics()
    {
        var root = Path.Combine(_dir.Path, "gone");
        var live = new CacheCounters();
        var persisted = new PersistedCounters(PersistedCounters.PathFor(root, "x"), live, DateTimeOffset.UtcNow, TimeSpan.Zero);
        live.Miss();
        persisted.Dispose();
        Assert.False(Directory.Exists(root));
    }

    [Theory]
    [InlineData(CacheEngineKind.Memory, false)]
    [InlineData(CacheEngineKind.LiteDb, true)]
    public void Memory_and_temporary_contexts_keep_no_stats_file(CacheEngineKind engine, bool temporary)
    {
        using (var ctx = Create(engine, temporary))
        {
            ctx.GetOrAdd("a", () => 1);
            Assert.Null(ctx.StatsPath);
        }
        Assert.False(File.Exists(PersistedCounters.PathFor(_dir.Path, "s")));
    }

    [Fact]
    public void Entries_show_hits_served_by_the_memory_layer()
    {
        using var ctx = Create(CacheEngineKind.Auto);
        ctx.GetOrAdd("a", () => 1, TimeSpan.FromHours(1));
        ctx.GetOrAdd("a", () => 1);
        ctx.GetOrAdd("a", () => 1);
        var row = Assert.Single(ctx.GetEntries());
        Assert.Equal(2, row.Hits);
        Assert.Equal("s", row.Context);
        Assert.Equal("a", row.Label);
        Assert.False(row.IsExpired);
        Assert.Equal(TimeSpan.FromHours(1), row.Expires - row.Created);
    }

    public void Dispose() => _dir.Dispose();
}
