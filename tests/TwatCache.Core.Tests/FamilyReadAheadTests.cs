using TwatCache.Contexts;
using TwatCache.Engines;
using TwatCache.Keys;

namespace TwatCache.Core.Tests;

/// <summary>
/// A pipeline's lookups of one block (one key family) are served from one read of the family once two of
/// them hit the store. Real LiteDB files; a second context on the same root plays the other process.
/// </summary>
public sealed class FamilyReadAheadTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly ManualClock _clock = new();
    private static readonly byte[] BlockA = KeyHasher.Fingerprint(new byte[] { 1 });
    private static readonly byte[] BlockB = KeyHasher.Fingerprint(new byte[] { 2 });

    private CacheContext Open(CacheEngineKind engine, Action<CacheOptions>? tweak = null)
        => TestContexts.Open(engine, _dir, "ra", _clock, tweak);

    private static string Key(CacheContext ctx, byte[] block, int item)
        => ctx.HashKey(BitConverter.GetBytes(item), ctx.FamilyOf(block));

    private static void Seed(CacheContext ctx, byte[] block, int count, TimeSpan? ttl = null)
    {
        for (int i = 0; i < count; i++) ctx.SetByHash(Key(ctx, block, i), i * 10, typeof(int), new CacheEntryOptions { Ttl = ttl });
    }

    // One lookup as the cmdlet makes it: the first look with the read-ahead; a miss stores -1.
    private static GetOrRunResult<int> Lookup(CacheContext ctx, FamilyReadAhead? readAhead, string hash)
        => ctx.GetOrRun(new GetOrRunRequest(hash) { ReadAhead = readAhead }, () => RunOutcome<int>.Store(-1, new CacheEntryOptions()));

    [Fact]
    public void Block_keys_begin_with_the_family_and_keep_the_rest_of_the_full_hash()
    {
        var canonical = new byte[] { 9, 8, 7 };
        var family = KeyHasher.FamilyOf("ns", BlockA);
        var key = KeyHasher.HashInFamily("ns", family, canonical);
        Assert.Equal(32, key.Length);
        Assert.StartsWith(family, key);
        Assert.Equal(KeyHasher.Hash("ns", canonical).Substring(KeyHasher.FamilyLength), key.Substring(KeyHasher.FamilyLength));
        Assert.NotEqual(family, KeyHasher.FamilyOf("ns", BlockB));
        Assert.NotEqual(family, KeyHasher.FamilyOf("other", BlockA));
        Assert.NotEqual(key, KeyHasher.HashInFamily("ns", family, new byte[] { 9, 8, 6 }));
    }

    [Theory]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.Auto)]
    public void After_two_store_hits_the_family_is_read_once_and_serves_the_rest(CacheEngineKind engine)
    {
        using (var writer = Open(engine))
        {
            Seed(writer, BlockA, 40);
            Seed(writer, BlockB, 5);
        }
        using var ctx = Open(engine);
        var readAhead = ctx.StartReadAhead(ctx.FamilyOf(BlockA))!;
        Assert.NotNull(readAhead);

        for (int i = 0; i < 40; i++)
        {
            var result = Lookup(ctx, readAhead, Key(ctx, BlockA, i));
            Assert.Equal(GetOrRunStatus.Hit, result.Status);
            Assert.Equal(i * 10, result.Value);
            Assert.Equal(i >= FamilyReadAhead.LoadAfterStoreHits - 1, readAhead.HasRead);
        }
        // Read with the second store hit: the block's 40 entries and none of the other block's; the two
        // read before it were never taken from it, every later one was.
        Assert.Equal(FamilyReadAhead.LoadAfterStoreHits, readAhead.Remaining);
        Assert.Equal(40, ctx.Counters.Hits);
    }

    [Fact]
    public void An_entry_written_after_the_read_is_found_and_one_expired_since_is_a_miss()
    {
        using (var writer = Open(CacheEngineKind.LiteDb))
            Seed(writer, BlockA, 10, ttl: TimeSpan.FromMinutes(5));
        using var ctx = Open(CacheEngineKind.LiteDb);
        var readAhead = ctx.StartReadAhead(ctx.FamilyOf(BlockA))!;
        Lookup(ctx, readAhead, Key(ctx, BlockA, 0));
        Lookup(ctx, readAhead, Key(ctx, BlockA, 1));
        Assert.True(readAhead.HasRead);

        using (var other = Open(CacheEngineKind.LiteDb))
            other.SetByHash(Key(other, BlockA, 50), 500, typeof(int), new CacheEntryOptions { Ttl = TimeSpan.FromHours(1) });
        var late = Lookup(ctx, readAhead, Key(ctx, BlockA, 50));
        Assert.Equal(GetOrRunStatus.Hit, late.Status);
        Assert.Equal(500, late.Value);

        _clock.Advance(TimeSpan.FromMinutes(6));
        var expired = Lookup(ctx, readAhead, Key(ctx, BlockA, 5));
        Assert.Equal(GetOrRunStatus.Stored, expired.Status);   // the read's copy has expired: the block ran
        Assert.Equal(-1, expired.Value);
    }

    [Fact]
    public void Reads_the_store_must_record_are_written_back_when_the_read_ahead_finishes()
    {
        using (var writer = Open(CacheEngineKind.LiteDb))
            Seed(writer, BlockA, 20);
        _clock.Advance(LiteDbEngine.ReadAheadAccessWriteInterval + TimeSpan.FromMinutes(1));
        var readAt = _clock.Now;
        using var ctx = Open(CacheEngineKind.LiteDb);
        var readAhead = ctx.StartReadAhead(ctx.FamilyOf(BlockA))!;
        for (int i = 0; i < 20; i++) Assert.Equal(GetOrRunStatus.Hit, Lookup(ctx, readAhead, Key(ctx, BlockA, i)).Status);

        var lastKey = Key(ctx, BlockA, 19);
        using (var other = new LiteDbEngine(ctx.StorePath!))
            Assert.NotEqual(readAt, other.List().Single(e => e.Key == lastKey).LastAccess); // served from the read, owed

        ctx.FinishReadAhead(readAhead);
        using (var other = new LiteDbEngine(ctx.StorePath!))
        {
            var stored = other.List().Where(e => e.Key.StartsWith(readAhead.Prefix, StringComparison.Ordinal)).ToList();
            Assert.Equal(20, stored.Count);
            Assert.All(stored, e => Assert.Equal(readAt, e.LastAccess));
            Assert.All(stored, e => Assert.Equal(1, e.Hits));
        }
    }

    [Fact]
    public void Within_a_week_only_the_reads_of_sliding_entries_are_written_back()
    {
        using (var writer = Open(CacheEngineKind.LiteDb))
        {
            Seed(writer, BlockA, 10);
            writer.SetByHash(Key(writer, BlockA, 10), 100, typeof(int), new CacheEntryOptions { SlidingTtl = TimeSpan.FromDays(2) });
        }
        _clock.Advance(TimeSpan.FromDays(1));   // past the hourly write-back of single lookups
        var readAt = _clock.Now;
        using var ctx = Open(CacheEngineKind.LiteDb);
        var readAhead = ctx.StartReadAhead(ctx.FamilyOf(BlockA))!;
        for (int i = 0; i <= 10; i++) Assert.Equal(GetOrRunStatus.Hit, Lookup(ctx, readAhead, Key(ctx, BlockA, i)).Status);
        ctx.FinishReadAhead(readAhead);

        using var other = new LiteDbEngine(ctx.StorePath!);
        var stored = other.List().ToDictionary(e => e.Key);
        var sliding = stored[Key(ctx, BlockA, 10)];
        Assert.Equal(readAt, sliding.LastAccess);                      // its expiry moved with the read
        Assert.Equal(readAt + TimeSpan.FromDays(2), sliding.Expires);
        // The others: the two point reads before the family was read wrote back (hourly rule); the eight
        // served by the read-ahead did not.
        Assert.Equal(8, Enumerable.Range(0, 10).Count(i => stored[Key(ctx, BlockA, i)].LastAccess < readAt));
    }

    [Fact]
    public void A_family_larger_than_a_page_is_read_whole_and_without_its_neighbours()
    {
        using var engine = new LiteDbEngine(_dir.File("pages.tcdb"));
        var t0 = _clock.Now;
        CacheEntry At(string key) => new(key) { Payload = new byte[] { 1 }, Format = 1, Created = t0, LastAccess = t0, SizeBytes = 1 };
        string Digits(int i) => i.ToString("x24");
        int count = 2 * LiteDbEngine.FamilyPage + 7;
        var entries = Enumerable.Range(0, count).Select(i => At("aaaaaaaa" + Digits(i))).ToList();
        entries.Add(At("aaaaaaa9" + Digits(1)));   // the families just before and after, in key order
        entries.Add(At("aaaaaaab" + Digits(0)));
        engine.SetMany(entries);

        var read = engine.ReadFamily("aaaaaaaa", t0, long.MaxValue);
        Assert.Equal(count, read.Count);
        Assert.Equal(count, read.Select(e => e.Key).Distinct().Count());
        Assert.All(read, e => Assert.StartsWith("aaaaaaaa", e.Key));

        var budgeted = engine.ReadFamily("aaaaaaaa", t0, byteBudget: 10);
        Assert.Equal(10, budgeted.Count);   // one byte each: the budget stops the read
    }

    [Fact]
    public void Limits_that_evict_by_recent_use_turn_read_ahead_off()
    {
        using var ctx = Open(CacheEngineKind.LiteDb, o => o.MaxEntries = 100);
        Assert.Null(ctx.StartReadAhead(ctx.FamilyOf(BlockA)));
        using var memory = Open(CacheEngineKind.Memory);
        Assert.Null(memory.StartReadAhead(memory.FamilyOf(BlockA)));
    }

    [Fact]
    public void The_memory_layer_still_sweeps_expired_entries_as_it_fills()
    {
        using var memory = new MemoryEngine();
        var t0 = _clock.Now;
        for (int i = 0; i < 10; i++)
            memory.Set(new CacheEntry("old" + i) { Value = i, Created = t0, LastAccess = t0, Expires = t0 + TimeSpan.FromSeconds(1) });
        var later = t0 + TimeSpan.FromMinutes(1);
        for (int i = 0; i < MemoryEngine.SweepEvery; i++)
            memory.Set(new CacheEntry("new" + i) { Value = i, Created = later, LastAccess = later });
        Assert.Equal(MemoryEngine.SweepEvery, memory.Count);
    }

    public void Dispose() => _dir.Dispose();
}
