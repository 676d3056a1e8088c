using TwatCache.Engines;

namespace TwatCache.Core.Tests;

/// <summary>
/// LiteDb hits write the entry's access metadata back only when the stored access time is older than
/// <see cref="LiteDbEngine.AccessWriteInterval"/> (or a tenth of a sliding window); otherwise a hit only reads.
/// Observed through a second engine on the same file, as another process would see it.
/// </summary>
public sealed class LiteDbAccessWriteTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly DateTimeOffset _t0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private CacheEntry Entry(string key, TimeSpan? sliding = null)
    {
        var payload = new byte[] { 1, 2, 3 };
        return new CacheEntry(key)
        {
            Payload = payload, Format = 1, Created = _t0, LastAccess = _t0, SizeBytes = payload.Length,
            Sliding = sliding, Expires = sliding.HasValue ? _t0 + sliding.Value : null,
        };
    }

    private static CacheEntry Stored(LiteDbEngine engine, string key) => engine.List().Single(e => e.Key == key);

    [Fact]
    public void A_hit_within_the_interval_only_reads_and_a_later_one_writes_back()
    {
        var path = _dir.File("store.tcdb");
        using var engine = new LiteDbEngine(path);
        engine.Set(Entry("k"));

        var soon = _t0 + LiteDbEngine.AccessWriteInterval - TimeSpan.FromSeconds(1);
        var hit = engine.Get("k", soon);
        Assert.NotNull(hit);
        Assert.Equal(soon, hit!.LastAccess);          // the caller sees the read
        using (var other = new LiteDbEngine(path))
        {
            Assert.Equal(_t0, Stored(other, "k").LastAccess);   // the file was not written
            Assert.Equal(0, Stored(other, "k").Hits);
        }

        var later = _t0 + LiteDbEngine.AccessWriteInterval;
        Assert.NotNull(engine.Get("k", later));
        using (var other = new LiteDbEngine(path))
        {
            Assert.Equal(later, Stored(other, "k").LastAccess);
            Assert.Equal(1, Stored(other, "k").Hits);           // the read that was not written is not counted
        }
    }

    [Fact]
    public void A_sliding_entry_is_written_back_within_a_tenth_of_its_window_and_never_outlives_it()
    {
        var path = _dir.File("store.tcdb");
        using var engine = new LiteDbEngine(path);
        engine.Set(Entry("s", sliding: TimeSpan.FromMinutes(10)));

        Assert.NotNull(engine.Get("s", _t0 + TimeSpan.FromSeconds(30)));   // within 1 min: read only
        using (var other = new LiteDbEngine(path))
            Assert.Equal(_t0 + TimeSpan.FromMinutes(10), Stored(other, "s").Expires);

        Assert.NotNull(engine.Get("s", _t0 + TimeSpan.FromMinutes(2)));     // past 1 min: expiry moves
        using (var other = new LiteDbEngine(path))
        {
            Assert.Equal(_t0 + TimeSpan.FromMinutes(12), Stored(other, "s").Expires);
            Assert.Null(other.Get("s", _t0 + TimeSpan.FromMinutes(12)));
        }
    }

    public void Dispose() => _dir.Dispose();
}
