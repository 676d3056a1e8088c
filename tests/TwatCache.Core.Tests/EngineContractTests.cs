using TwatCache.Engines;

namespace TwatCache.Core.Tests;

/// <summary>The engine contract, run against every local engine (the LiteDb one on a real file).</summary>
public abstract class EngineContractTests : IDisposable
{
    protected readonly TempDir Dir = new();
    protected readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private protected abstract ICacheEngine Engine { get; }

    private protected CacheEntry Entry(string key, string value, TimeSpan? ttl = null)
    {
        var payload = System.Text.Encoding.UTF8.GetBytes(value);
        return new CacheEntry(key)
        {
            Value = value, Payload = payload, Format = 1, Created = Now, LastAccess = Now,
            Expires = ttl.HasValue ? Now + ttl.Value : null, SizeBytes = payload.Length, Label = "label " + key,
        };
    }

    private protected static string Read(CacheEntry e) => e.Value as string ?? System.Text.Encoding.UTF8.GetString(e.Payload!);

    [Fact]
    public void Set_then_get_returns_the_value_and_metadata()
    {
        Engine.Set(Entry("k1", "hello"));
        var e = Engine.Get("k1", Now);
        Assert.NotNull(e);
        Assert.Equal("hello", Read(e!));
        Assert.Equal("label k1", e!.Label);
        Assert.Equal(1, e.Hits);
    }

    [Fact]
    public void Missing_key_is_null()
        => Assert.Null(Engine.Get("nope", Now));

    [Fact]
    public void Expired_entry_is_never_returned()
    {
        Engine.Set(Entry("k", "v", TimeSpan.FromMinutes(5)));
        Assert.NotNull(Engine.Get("k", Now + TimeSpan.FromMinutes(4)));
        Assert.Null(Engine.Get("k", Now + TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void Overwrite_replaces_the_value()
    {
        Engine.Set(Entry("k", "old"));
        Engine.Set(Entry("k", "new"));
        Assert.Equal("new", Read(Engine.Get("k", Now)!));
        Assert.Equal(1, Engine.Summarize().Entries);
    }

    [Fact]
    public void Remove_and_clear()
    {
        Engine.Set(Entry("a", "1"));
        Engine.Set(Entry("b", "2"));
        Engine.Set(Entry("c", "3"));
        Assert.True(Engine.Remove("a"));
        Assert.False(Engine.Remove("a"));
        Assert.Null(Engine.Get("a", Now));
        Assert.Equal(2, Engine.Clear());
        Assert.Equal(0, Engine.Summarize().Entries);
    }

    [Fact]
    public void RemoveExpired_removes_only_expired()
    {
        Engine.Set(Entry("short", "1", TimeSpan.FromMinutes(1)));
        Engine.Set(Entry("long", "2", TimeSpan.FromHours(1)));
        Engine.Set(Entry("forever", "3"));
        Assert.Equal(1, Engine.RemoveExpired(Now + TimeSpan.FromMinutes(2)));
        var keys = Engine.List().Select(e => e.Key).OrderBy(k => k).ToArray();
        Assert.Equal(new[] { "forever", "long" }, keys);
    }

    [Fact]
    public void Sliding_entry_lives_while_read()
    {
        var e = Entry("s", "v");
        e.Sliding = TimeSpan.FromMinutes(10);
        e.Expires = Now + e.Sliding;
        Engine.Set(e);
        Assert.NotNull(Engine.Get("s", Now + TimeSpan.FromMinutes(9)));
        Assert.NotNull(Engine.Get("s", Now + TimeSpan.FromMinutes(18)));
        Assert.Null(Engine.Get("s", Now + TimeSpan.FromMinutes(29)));
    }

    [Fact]
    public void Summary_counts_entries_and_bytes()
    {
        Engine.Set(Entry("a", "12345"));
        Engine.Set(Entry("b", "123"));
        var s = Engine.Summarize();
        Assert.Equal(2, s.Entries);
        Assert.Equal(8, s.PayloadBytes);
    }

    [Fact]
    public void An_expired_entry_with_fail_safe_retention_is_kept_until_StaleUntil()
    {
        var e = Entry("fs", "old", TimeSpan.FromMinutes(5));
        e.StaleUntil = Now + TimeSpan.FromHours(1);
        Engine.Set(e);
        var later = Now + TimeSpan.FromMinutes(6);
        Assert.Null(Engine.Get("fs", later)); // Get never returns an expired entry
        Assert.Equal(0, Engine.RemoveExpired(later)); // still retained for fail-safe
        var stale = Engine.GetStale("fs", later);
        Assert.NotNull(stale);
        Assert.Equal("old", Read(stale!));
        Assert.Equal(e.StaleUntil, stale!.StaleUntil);
        Assert.Equal(Now + TimeSpan.FromHours(1), Engine.List().Single().StaleUntil);
        var past = Now + TimeSpan.FromMinutes(61);
        Assert.Null(Engine.GetStale("fs", past));
        Assert.Null(Engine.Get("fs", past));
        Assert.Empty(Engine.List());
    }

    [Fact]
    public void RemoveExpired_purges_entries_past_their_retention()
    {
        var kept = Entry("kept", "1", TimeSpan.FromMinutes(1));
        kept.StaleUntil = Now + TimeSpan.FromHours(1);
        Engine.Set(kept);
        Engine.Set(Entry("plain", "2", TimeSpan.FromMinutes(1)));
        Assert.Equal(1, Engine.RemoveExpired(Now + TimeSpan.FromMinutes(2)));
        Assert.Equal("kept", Engine.List().Single().Key);
        Assert.Equal(1, Engine.RemoveExpired(Now + TimeSpan.FromHours(2)));
        Assert.Empty(Engine.List());
    }

    [Fact]
    public void Without_retention_GetStale_finds_nothing_after_expiry()
    {
        Engine.Set(Entry("p", "v", TimeSpan.FromMinutes(1)));
        Assert.NotNull(Engine.GetStale("p", Now)); // a live entry is returned too
        Assert.Null(Engine.GetStale("p", Now + TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void Tags_round_trip_and_RemoveByTag_removes_only_tagged_entries()
    {
        var a = Entry("a", "1"); a.Tags = new[] { "inventory", "vm" };
        var b = Entry("b", "2"); b.Tags = new[] { "vm" };
        var c = Entry("c", "3");
        Engine.Set(a);
        Engine.Set(b);
        Engine.Set(c);
        Assert.Equal(new[] { "inventory", "vm" }, Engine.List().Single(x => x.Key == "a").Tags);
        Assert.Empty(Engine.List().Single(x => x.Key == "c").Tags);
        Assert.Equal(new[] { "inventory", "vm" }, Engine.Get("a", Now)!.Tags);
        Assert.Equal(2, Engine.RemoveByTag("vm"));
        Assert.Equal(new[] { "c" }, Engine.List().Select(x => x.Key).ToArray());
        Assert.Equal(0, Engine.RemoveByTag("vm"));
        Assert.Equal(0, Engine.RemoveByTag("never-used"));
        Assert.Equal("3", Read(Engine.Get("c", Now)!));
    }

    [Fact]
    public void An_entry_rewritten_without_a_tag_survives_RemoveByTag()
    {
        var tagged = Entry("k", "old"); tagged.Tags = new[] { "inventory" };
        Engine.Set(tagged);
        var untagged = Entry("k", "new"); untagged.Created = Now + TimeSpan.FromSeconds(1);
        Engine.Set(untagged);
        Assert.Equal(0, Engine.RemoveByTag("inventory"));
        Assert.Equal("new", Read(Engine.Get("k", Now + TimeSpan.FromSeconds(2))!));
    }

    [Fact]
    public void Clear_also_empties_the_tag_index()
    {
        var a = Entry("a", "1"); a.Tags = new[] { "t" };
        Engine.Set(a);
        Engine.Clear();
        Engine.Set(Entry("a", "2")); // same key, untagged now
        Assert.Equal(0, Engine.RemoveByTag("t"));
        Assert.Single(Engine.List());
    }

    public virtual void Dispose()
    {
        Engine.Dispose();
        Dir.Dispose();
    }
}

public sealed class MemoryEngineTests : EngineContractTests
{
    private readonly MemoryEngine _engine = new();
    private protected override ICacheEngine Engine => _engine;
}

public sealed class LiteDbEngineTests : EngineContractTests
{
    private readonly LiteDbEngine _engine;
    public LiteDbEngineTests() => _engine = new LiteDbEngine(Dir.File("store.tcdb"));
    private protected override ICacheEngine Engine => _engine;

    // The store file as another process opens it: in a session under the store's lease, never beside the
    // engine's own session (a file opened in both of LiteDB's modes at once can be misread or lose writes).
    private LeasedDatabase StoreSession()
    {
        var file = Path.GetFullPath(Dir.File("store.tcdb"));
        return new LeasedDatabase(file, LiteDbEngine.CollectionName, file + ".locks");
    }

    [Fact]
    public void Entries_survive_reopening_the_file()
    {
        _engine.Set(Entry("persist", "kept"));
        using var reopened = new LiteDbEngine(Dir.File("store.tcdb"));
        Assert.Equal("kept", Read(reopened.Get("persist", Now)!));
    }

    [Fact]
    public void Two_engines_on_one_file_see_each_others_writes()
    {
        using var other = new LiteDbEngine(Dir.File("store.tcdb"));
        other.Set(Entry("from-other", "x"));
        _engine.Set(Entry("from-this", "y"));
        Assert.Equal("x", Read(_engine.Get("from-other", Now)!));
        Assert.Equal("y", Read(other.Get("from-this", Now)!));
    }

    [Fact]
    public void Tag_lookup_runs_on_the_multikey_index()
    {
        var e = Entry("a", "1"); e.Tags = new[] { "inventory" };
        _engine.Set(e);
        using var db = StoreSession();
        var plan = db.Run(entries => entries.Query().Where("$.tags[*] ANY = 'inventory'").Select("$._id").GetPlan().ToString());
        Assert.Contains("\"name\":\"tags\"", plan.Replace(" ", string.Empty));
    }

    [Fact]
    public void Documents_without_retention_fields_purge_as_before()
    {
        // A store written before fail-safe existed has no "stale" or "tags" fields.
        using (var db = StoreSession())
        {
            db.Run(entries => entries.Insert(new LiteDB.BsonDocument
            {
                ["_id"] = "legacy", ["payload"] = new byte[] { 1 }, ["fmt"] = 1, ["created"] = Now.UtcTicks,
                ["expires"] = (Now + TimeSpan.FromMinutes(1)).UtcTicks, ["sliding"] = 0L, ["access"] = Now.UtcTicks,
                ["hits"] = 0L, ["size"] = 1L, ["label"] = "old",
            }));
        }
        Assert.Empty(_engine.List().Single().Tags);
        Assert.Equal(1, _engine.RemoveExpired(Now + TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void Dates_round_trip_in_utc()
    {
        var e = Entry("d", "v", TimeSpan.FromHours(2));
        _engine.Set(e);
        var back = _engine.List().Single();
        Assert.Equal(e.Created, back.Created);
        Assert.Equal(e.Expires, back.Expires);
        Assert.Equal(TimeSpan.Zero, back.Created.Offset);
    }
}

public sealed class FileEngineTests : EngineContractTests
{
    private readonly FileEngine _engine;
    public FileEngineTests() => _engine = new FileEngine(Dir.File("store.files"));
    private protected override ICacheEngine Engine => _engine;

    private string DataFile(string key) => Path.Combine(Dir.File("store.files"), key, "data");

    [Fact]
    public void Entries_survive_a_new_engine_on_the_directory()
    {
        _engine.Set(Entry("persist", "kept"));
        using var reopened = new FileEngine(Dir.File("store.files"));
        Assert.Equal("kept", Read(reopened.Get("persist", Now)!));
    }

    [Fact]
    public void Writes_leave_no_temporary_files_and_overwrite_atomically()
    {
        _engine.Set(Entry("k", new string('a', 100_000)));
        _engine.Set(Entry("k", "short"));
        var files = Directory.GetFiles(Dir.File("store.files"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).OrderBy(n => n).ToArray();
        Assert.Equal(new[] { "access", "data" }, files);
        Assert.Equal("short", Read(_engine.Get("k", Now)!));
    }

    [Fact]
    public void A_truncated_payload_is_a_miss_and_is_deleted()
    {
        _engine.Set(Entry("t", new string('x', 5000)));
        var bytes = File.ReadAllBytes(DataFile("t"));
        File.WriteAllBytes(DataFile("t"), bytes.Take(bytes.Length - 100).ToArray());
        Assert.Null(_engine.Get("t", Now));
        Assert.False(Directory.Exists(Path.GetDirectoryName(DataFile("t"))));
    }

    [Fact]
    public void A_flipped_payload_byte_fails_the_checksum()
    {
        _engine.Set(Entry("f", new string('x', 5000)));
        var bytes = File.ReadAllBytes(DataFile("f"));
        bytes[^10] ^= 0xFF;
        File.WriteAllBytes(DataFile("f"), bytes);
        Assert.Null(_engine.Get("f", Now));
    }

    [Fact]
    public void Tags_live_in_hashed_marker_directories_and_never_in_entry_paths()
    {
        var e = Entry("k", "v"); e.Tags = new[] { "../../etc" };
        _engine.Set(e);
        var tagRoot = Dir.File("store.files") + ".tags";
        var markers = Directory.GetFiles(tagRoot, "*", SearchOption.AllDirectories);
        Assert.Equal("k", Path.GetFileName(Assert.Single(markers)));
        Assert.Matches("^[0-9a-f]{32}$", Path.GetFileName(Path.GetDirectoryName(markers[0]))!);
        Assert.Equal(1, _engine.RemoveByTag("../../etc"));
        Assert.Empty(Directory.GetFiles(tagRoot, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Keys_with_path_syntax_are_refused()
        => Assert.Throws<ArgumentException>(() => _engine.Set(Entry("../evil", "x")));

    [Fact]
    public void Files_are_owner_only()
    {
        if (!OperatingSystem.IsLinux()) return;
        _engine.Set(Entry("p", "x"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DataFile("p")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(DataFile("p"))!));
    }
}
