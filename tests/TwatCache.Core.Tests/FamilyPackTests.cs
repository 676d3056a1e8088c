using TwatCache.Engines;

namespace TwatCache.Core.Tests;

/// <summary>
/// A large key family's read is served from its pack once one read has written it, and a pack is only
/// ever used while it matches the entries: every change of an entry (here, also from a second engine on
/// the same file, as another process) sends the next read back to the entries. Real LiteDB files.
/// Differential: what a read gives from a pack equals what the read of the entries gave.
/// </summary>
public sealed class FamilyPackTests : IDisposable
{
    private const string Family = "aaaaaaaa";
    private readonly TempDir _dir = new();
    private readonly DateTimeOffset _t0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly LiteDbEngine _engine;
    private readonly int _count = 2 * LiteDbEngine.FamilyPage + 40;   // stays over a page as the tests remove entries

    public FamilyPackTests()
    {
        _engine = new LiteDbEngine(_dir.File("packs.tcdb"));
        var entries = Enumerable.Range(0, _count).Select(Entry).ToList();
        entries.Add(At("aaaaaaa9" + Digits(1), new byte[] { 9 }));   // the families just before and after
        entries.Add(At("aaaaaaab" + Digits(0), new byte[] { 9 }));
        _engine.SetMany(entries);
    }

    private static string Digits(int i) => i.ToString("x24");

    private static string KeyOf(int i) => Family + Digits(i);

    private CacheEntry At(string key, byte[] payload) => new(key)
    {
        Payload = payload, Format = 2, Created = _t0, LastAccess = _t0, SizeBytes = payload.Length,
    };

    // Entries with every field a served hit uses set to something of its own.
    private CacheEntry Entry(int i)
    {
        var e = At(KeyOf(i), BitConverter.GetBytes(i * 31).Concat(new byte[i % 5]).ToArray());
        e.Hits = i % 3;
        if (i % 4 == 1) e.Expires = _t0 + TimeSpan.FromHours(1 + i % 7);
        if (i % 6 == 2) e.Expires = _t0 + TimeSpan.FromMinutes(30);
        if (i % 8 == 3) { e.Expires = _t0 + TimeSpan.FromHours(2); e.StaleUntil = _t0 + TimeSpan.FromDays(1); }
        if (i % 10 == 4) e.AbsoluteExpires = _t0 + TimeSpan.FromDays(3);
        e.Tags = i % 9 == 0 ? new[] { "nine" } : Array.Empty<string>();
        return e;
    }

    private IReadOnlyList<CacheEntry> Read(LiteDbEngine? engine = null, DateTimeOffset? at = null)
        => (engine ?? _engine).ReadFamily(Family, at ?? _t0, long.MaxValue);

    private static string Describe(CacheEntry e) => string.Join("|", e.Key, e.Format, e.Created.UtcTicks, e.Expires?.UtcTicks, e.Sliding?.Ticks,
        e.LastAccess.UtcTicks, e.Hits, e.SizeBytes, e.StaleUntil?.UtcTicks, e.AbsoluteExpires?.UtcTicks, e.WriteSequence, e.AccessSequence,
        Convert.ToHexString(e.Payload!), e.Label, e.KeyParts, e.Tags.Count);

    private static List<string> Described(IEnumerable<CacheEntry> entries) => entries.Select(Describe).OrderBy(s => s, StringComparer.Ordinal).ToList();

    // A pack is written by the read of the entries and serves the next read, in this engine and another.
    private IReadOnlyList<CacheEntry> ReadTwice()
    {
        long reads = _engine.PackReads, writes = _engine.PackWrites;
        var fromEntries = Read();
        Assert.Equal(writes + 1, _engine.PackWrites);
        Assert.Equal(reads, _engine.PackReads);
        var fromPack = Read();
        Assert.Equal(reads + 1, _engine.PackReads);
        Assert.Equal(Described(fromEntries), Described(fromPack));
        return fromPack;
    }

    // A session of its own on the store file, as another process has (the lease keeps the two apart).
    private LeasedDatabase OtherSession()
        => new(Path.GetFullPath(_dir.File("packs.tcdb")), LiteDbEngine.CollectionName, _dir.File("packs.tcdb") + ".locks");

    // Changes the packs' chunks behind the engine's back, as a damaged file or another process would.
    private void ChangeChunks(Func<LiteDB.ILiteCollection<LiteDB.BsonDocument>, bool> change)
    {
        using var db = OtherSession();
        db.Run(_ => change(db.Collection(FamilyPacks.ChunksCollection)));
    }

    private void AssertNextReadIsFromEntries(Action<IReadOnlyList<CacheEntry>> check)
    {
        long reads = _engine.PackReads;
        var read = Read();
        Assert.Equal(reads, _engine.PackReads);
        check(read);
        var again = Read();   // and the pack written from that read is right again
        Assert.Equal(reads + 1, _engine.PackReads);
        Assert.Equal(Described(read), Described(again));
    }

    [Fact]
    public void A_second_read_of_a_large_family_comes_from_its_pack_and_gives_the_same_entries()
    {
        var read = ReadTwice();
        Assert.Equal(_count, read.Count);
        Assert.All(read, e => Assert.StartsWith(Family, e.Key));
        using var other = new LiteDbEngine(_dir.File("packs.tcdb"));
        Assert.Equal(Described(read), Described(Read(other)));
        Assert.Equal(1, other.PackReads);
        Assert.Equal(0, other.PackWrites);
    }

    [Fact]
    public void A_family_of_one_page_gets_no_pack()
    {
        using var small = new LiteDbEngine(_dir.File("small.tcdb"));
        small.SetMany(Enumerable.Range(0, LiteDbEngine.FamilyPage - 1).Select(Entry).ToList());
        Assert.Equal(LiteDbEngine.FamilyPage - 1, small.ReadFamily(Family, _t0, long.MaxValue).Count);
        small.ReadFamily(Family, _t0, long.MaxValue);
        Assert.Equal(0, small.PackWrites);
        Assert.Equal(0, small.PackReads);
    }

    [Fact]
    public void A_family_with_a_sliding_entry_gets_no_pack()
    {
        // Each read of a sliding entry is written back, which would end the pack every time.
        var sliding = At(KeyOf(3), new byte[] { 3 });
        sliding.Sliding = TimeSpan.FromDays(1);
        sliding.Expires = _t0 + TimeSpan.FromDays(1);
        _engine.Set(sliding);
        Read();
        Read();
        Assert.Equal(0, _engine.PackWrites);
        Assert.Equal(0, _engine.PackReads);
    }

    [Fact]
    public void Recorded_reads_end_the_pack_so_the_next_is_written_with_their_access_times()
    {
        ReadTwice();
        var week = _t0 + TimeSpan.FromDays(8);   // past the read-ahead's weekly write-back
        Assert.True(_engine.ReadNeedsRecording(Read(at: week).First(), week));
        _engine.RecordReads(new[] { new KeyValuePair<string, DateTimeOffset>(KeyOf(0), week) });
        AssertNextReadIsFromEntries(read => Assert.Equal(week, read.Single(e => e.Key == KeyOf(0)).LastAccess));
        Assert.False(_engine.ReadNeedsRecording(Read(at: week).Single(e => e.Key == KeyOf(0)), week));
    }

    [Fact]
    public void A_pack_serves_what_is_live_at_the_time_of_the_read_and_within_the_budget()
    {
        ReadTwice();
        var later = _t0 + TimeSpan.FromHours(5);
        var live = _engine.List().Where(e => e.Key.StartsWith(Family, StringComparison.Ordinal) && !e.IsExpiredAt(later))
            .Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        Assert.InRange(live.Count, 1, _count - 1);
        var read = Read(at: later);
        Assert.Equal(2, _engine.PackReads);
        Assert.Equal(live, read.Select(e => e.Key).OrderBy(k => k, StringComparer.Ordinal).ToList());

        // Payloads of 4, 5, 6... bytes in key order: a budget of 10 bytes holds the first two, as a read of the entries does.
        var budgeted = _engine.ReadFamily(Family, _t0, byteBudget: 10);
        Assert.Equal(3, _engine.PackReads);
        Assert.Equal(new[] { KeyOf(0), KeyOf(1) }, budgeted.Select(e => e.Key));
    }

    [Fact]
    public void Rewriting_an_entry_sends_the_next_read_to_the_entries_in_this_process_and_another()
    {
        ReadTwice();
        var changed = At(KeyOf(7), new byte[] { 1, 2, 3 });
        using (var other = new LiteDbEngine(_dir.File("packs.tcdb"))) other.Set(changed);
        AssertNextReadIsFromEntries(read =>
        {
            Assert.Equal(new byte[] { 1, 2, 3 }, read.Single(e => e.Key == KeyOf(7)).Payload);
            Assert.Equal(_count, read.Count);
        });

        _engine.SetMany(new[] { At(KeyOf(8), new byte[] { 4 }), At(KeyOf(_count + 1), new byte[] { 5 }) });
        AssertNextReadIsFromEntries(read =>
        {
            Assert.Equal(new byte[] { 4 }, read.Single(e => e.Key == KeyOf(8)).Payload);
            Assert.Equal(new byte[] { 5 }, read.Single(e => e.Key == KeyOf(_count + 1)).Payload);
        });
    }

    [Fact]
    public void Every_way_of_removing_entries_sends_the_next_read_to_the_entries()
    {
        ReadTwice();
        using (var other = new LiteDbEngine(_dir.File("packs.tcdb"))) Assert.True(other.Remove(KeyOf(5)));
        AssertNextReadIsFromEntries(read => Assert.DoesNotContain(read, e => e.Key == KeyOf(5)));

        Assert.True(_engine.RemoveByTag("nine") > 0);
        AssertNextReadIsFromEntries(read => Assert.DoesNotContain(read, e => e.Key == KeyOf(9) || e.Key == KeyOf(18)));

        // Expired and past retention: removed by the sweep, by an opportunistic purge, by a point read.
        var late = _t0 + TimeSpan.FromDays(10);
        int before = Read(at: _t0).Count;
        Assert.True(_engine.RemoveExpired(_t0 + TimeSpan.FromHours(1.5)) > 0);
        AssertNextReadIsFromEntries(read => Assert.True(read.Count < before));
        before = Read(at: _t0).Count;
        Assert.True(_engine.PurgeSome(late) > 0);
        AssertNextReadIsFromEntries(read => Assert.True(read.Count < before));
        var expiring = Read(at: _t0).First(e => e.Expires.HasValue && e.StaleUntil == null);
        Assert.Null(_engine.Get(expiring.Key, late));
        AssertNextReadIsFromEntries(read => Assert.DoesNotContain(read, e => e.Key == expiring.Key));

        _engine.Clear();
        Assert.Empty(Read());
    }

    [Fact]
    public void A_pack_is_not_written_from_a_read_that_an_entry_change_overtook()
    {
        // The engine's read of the first page records where it began; a change lands before the pack is written.
        using var other = new LiteDbEngine(_dir.File("packs.tcdb"));
        using var db = OtherSession();
        var packs = new FamilyPacks(db);
        long began = db.Run(_ => packs.Begin(Family));
        var read = Read(other).ToList();   // writes a pack of its own (its read began after ours)
        other.Set(At(KeyOf(3), new byte[] { 7 }));
        Assert.False(packs.TryWrite(Family, began, read));
        Assert.Equal(new byte[] { 7 }, Read().Single(e => e.Key == KeyOf(3)).Payload);
        Assert.Equal(0, _engine.PackReads);
    }

    [Fact]
    public void A_read_from_before_a_clear_writes_no_pack_even_once_the_family_is_back()
    {
        // Clear drops every family record; a record made again later must not look like the one a read began at.
        using var db = OtherSession();
        var packs = new FamilyPacks(db);
        long began = db.Run(_ => packs.Begin(Family));
        var beforeClear = Read().ToList();
        _engine.Clear();
        _engine.SetMany(Enumerable.Range(0, _count).Select(i => At(KeyOf(i), new byte[] { 42 })).ToList());
        ReadTwice();   // the family's record is made again, and a pack of the new entries written
        Assert.False(packs.TryWrite(Family, began, beforeClear));
        Assert.All(Read(), e => Assert.Equal(new byte[] { 42 }, e.Payload));
    }

    [Fact]
    public void A_pack_with_a_chunk_missing_is_not_used()
    {
        ReadTwice();
        ChangeChunks(chunks => chunks.Delete(chunks.FindAll().Select(d => d["_id"].AsString).OrderBy(s => s, StringComparer.Ordinal).Last()));
        AssertNextReadIsFromEntries(read => Assert.Equal(_count, read.Count));
    }

    [Fact]
    public void A_pack_with_a_damaged_chunk_is_not_used()
    {
        ReadTwice();
        ChangeChunks(chunks =>
        {
            var first = chunks.FindAll().OrderBy(d => d["_id"].AsString, StringComparer.Ordinal).First();
            var data = first["data"].AsBinary;
            data[data.Length / 2] ^= 0x20;   // one flipped bit, somewhere in an entry
            first["data"] = data;
            return chunks.Update(first);
        });
        AssertNextReadIsFromEntries(read => Assert.Equal(_count, read.Count));
    }

    [Fact]
    public void Entries_of_builds_before_packs_are_left_out_and_their_collection_dropped()
    {
        var file = _dir.File("earlier.tcdb");
        using (var raw = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = file, Connection = LiteDB.ConnectionType.Direct }))
            raw.GetCollection(LiteDbEngine.EarlierCollectionName).Insert(new LiteDB.BsonDocument { ["_id"] = KeyOf(1), ["payload"] = new byte[] { 1 } });
        using (var engine = new LiteDbEngine(file)) Assert.Empty(engine.List());
        using var check = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = file, Connection = LiteDB.ConnectionType.Direct });
        Assert.False(check.CollectionExists(LiteDbEngine.EarlierCollectionName));
    }

    public void Dispose()
    {
        _engine.Dispose();
        _dir.Dispose();
    }
}
