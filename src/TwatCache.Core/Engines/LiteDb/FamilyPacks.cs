using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using LiteDB;

namespace TwatCache.Engines
{
    /// <summary>
    /// Packed copies of large key families in a LiteDB store, so that a pipeline's family read costs one large
    /// document per hundred-odd entries instead of one LiteDB document per entry (LiteDB's per-document read was
    /// most of a 100,000-hit pipeline). A pack is only ever a copy: entries stay the source of truth, and a pack is used
    /// only while it still matches them.
    /// <para>
    /// The rule that keeps it sound: every family that has, or is getting, a pack has a record in
    /// <see cref="RecordsCollection"/> with a generation, and every change of an entry of that family (a write,
    /// a removal) gives it a new one and deletes its pack in the same session operation (<see cref="Changed(string)"/>);
    /// removals by a predicate delete every pack and record (<see cref="RemoveAll"/>). So a pack that exists is
    /// current. A pack is written from a read of the entries that began after the record existed
    /// (<see cref="Begin"/>), and only if the generation did not change during that read. Generations are random, not
    /// counted: a record deleted and made again never repeats the generation a read began at. A point read that refreshes
    /// an access time changes nothing here: a pack's copy of it is older, which can only make an entry look
    /// expired early (then it is a point read) or its read worth recording; recorded reads end the pack, so the
    /// next one is written with them.
    /// </para>
    /// <para>
    /// Builds before packs kept entries in another collection and never touch this one, so no writer that
    /// ignores the rule ever changes these entries. Each chunk carries a checksum: a damaged one is not used.
    /// Writing a pack holds the file for one transaction (a few hundred milliseconds at 100,000 entries);
    /// other processes wait for it as for any write.
    /// </para>
    /// </summary>
    internal sealed class FamilyPacks
    {
        /// <summary>The records (generation, current pack) of the families that have or are getting a pack.</summary>
        public const string RecordsCollection = "familyrecords";

        /// <summary>The packs' chunks.</summary>
        public const string ChunksCollection = "familychunks";

        /// <summary>Bytes of entries per chunk document: a chunk's buffer stays under the large-object heap threshold.</summary>
        public const int ChunkBytes = 60 * 1024;

        /// <summary>Chunks read per session operation: between two, a process waiting for the file gets it.</summary>
        public const int ChunksPerOperation = 16;

        /// <summary>The layout of a chunk (<see cref="Encode"/>); a pack of another layout is not read.</summary>
        public const int Layout = 1;

        private readonly LeasedDatabase _db;

        public FamilyPacks(LeasedDatabase db) => _db = db;

        private long _packsRead, _packsWritten;

        /// <summary>Family reads a pack served so far (a diagnostic for tests and benchmarks).</summary>
        public long PacksRead => Interlocked.Read(ref _packsRead);

        /// <summary>Packs written so far.</summary>
        public long PacksWritten => Interlocked.Read(ref _packsWritten);

        /// <summary>The family a key belongs to, or null for a key too short to be in one.</summary>
        public static string? FamilyOf(string key) => key.Length >= Keys.KeyHasher.FamilyLength ? key.Substring(0, Keys.KeyHasher.FamilyLength) : null;

        /// <summary>Inside an operation that writes or removes <paramref name="key"/>: any pack of its family is out of date.</summary>
        public void Changed(string key)
        {
            var family = FamilyOf(key);
            if (family != null) Bump(family);
        }

        /// <summary>Inside an operation that writes or removes <paramref name="keys"/>.</summary>
        public void Changed(IEnumerable<string> keys)
        {
            var families = new HashSet<string>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                var family = FamilyOf(key);
                if (family != null && families.Add(family)) Bump(family);
            }
        }

        /// <summary>Inside an operation that removes entries by a predicate, or all of them: every pack goes.</summary>
        public void RemoveAll()
        {
            _db.Collection(ChunksCollection).DeleteAll();
            _db.Collection(RecordsCollection).DeleteAll(); // a build in progress finds its record gone and writes nothing
        }

        // No record: the family has no pack and none is being built, so there is nothing to invalidate.
        private void Bump(string family)
        {
            var records = _db.Collection(RecordsCollection);
            var record = records.FindById(family);
            if (record == null) return;
            _db.InTransaction(() =>
            {
                record["gen"] = NewGeneration();
                DeletePack(record);
                records.Update(record);
            });
        }

        /// <summary>
        /// Inside the operation that reads a family's first entries: makes sure the family has a record (so every
        /// later change counts) and returns the generation the read begins at (see <see cref="TryWrite"/>).
        /// </summary>
        public long Begin(string family)
        {
            var records = _db.Collection(RecordsCollection);
            var record = records.FindById(family);
            if (record != null) return record["gen"].AsInt64;
            long generation = NewGeneration();
            records.Insert(new BsonDocument { ["_id"] = family, ["gen"] = generation });
            return generation;
        }

        /// <summary>
        /// Writes <paramref name="entries"/> (the whole family as read since <paramref name="began"/>) as the
        /// family's pack, replacing the one before, unless an entry changed meanwhile; false then.
        /// </summary>
        public bool TryWrite(string family, long began, IReadOnlyList<CacheEntry> entries)
        {
            var chunks = Encode(entries); // before the operation: the file is held only to write
            var build = NewBuildId();
            bool written = _db.Run(_ =>
            {
                var records = _db.Collection(RecordsCollection);
                var record = records.FindById(family);
                if (record == null || record["gen"].AsInt64 != began) return false;
                // One transaction: a process killed midway leaves the pack before, never chunks nobody refers to.
                _db.InTransaction(() =>
                {
                    DeletePack(record); // another process's pack of the same entries
                    var docs = new List<BsonDocument>(chunks.Count);
                    for (int i = 0; i < chunks.Count; i++) docs.Add(new BsonDocument { ["_id"] = ChunkId(family, build, i), ["data"] = chunks[i], ["sum"] = Checksum(chunks[i]) });
                    _db.Collection(ChunksCollection).InsertBulk(docs);
                    record["build"] = build;
                    record["chunks"] = chunks.Count;
                    record["layout"] = Layout;
                    records.Update(record);
                });
                return true;
            });
            if (written) Interlocked.Increment(ref _packsWritten);
            return written;
        }

        // Deletes the record's pack, if it has one, and forgets it (the caller updates the record).
        private void DeletePack(BsonDocument record)
        {
            if (!record["build"].IsString) return;
            var store = _db.Collection(ChunksCollection);
            var build = record["build"].AsString;
            for (int i = 0; i < record["chunks"].AsInt32; i++) store.Delete(ChunkId(record["_id"].AsString, build, i));
            record.Remove("build");
            record.Remove("chunks");
            record.Remove("layout");
        }

        /// <summary>
        /// The family's entries from its pack, live at <paramref name="now"/> and within <paramref name="byteBudget"/>
        /// payload bytes (as <see cref="LiteDbEngine.ReadFamily"/> returns them); null when the family has no pack
        /// that matches its entries (or a chunk went missing or is damaged): then the entries are read.
        /// </summary>
        public List<CacheEntry>? TryRead(string family, DateTimeOffset now, long byteBudget)
        {
            var (build, count) = _db.Run<(string? Build, int Count)>(_ =>
            {
                var record = _db.Collection(RecordsCollection).FindById(family);
                bool readable = record != null && record["build"].IsString && record["layout"].IsInt32 && record["layout"].AsInt32 == Layout;
                return readable ? (record!["build"].AsString, record["chunks"].AsInt32) : (null, 0);
            });
            if (build == null) return null;
            var found = new List<CacheEntry>();
            long bytes = 0;
            for (int first = 0; first < count; first += ChunksPerOperation)
            {
                // Chunks are never changed, only deleted with their pack: those read are of one pack, as it was
                // written; a chunk gone means the entries changed since, and they are read instead.
                var data = _db.Run<List<byte[]>?>(_ =>
                {
                    var store = _db.Collection(ChunksCollection);
                    var part = new List<byte[]>(ChunksPerOperation);
                    for (int i = first; i < Math.Min(count, first + ChunksPerOperation); i++)
                    {
                        var doc = store.FindById(ChunkId(family, build!, i));
                        if (doc == null || !doc["data"].IsBinary || !doc["sum"].IsInt64) return null;
                        // A damaged chunk could pair a key with another key's payload, which an unsigned payload's
                        // own checksum would not catch: the chunk is checked whole.
                        var data = doc["data"].AsBinary;
                        if (Checksum(data) != doc["sum"].AsInt64) return null;
                        part.Add(data);
                    }
                    return part;
                });
                if (data == null) return null;
                foreach (var chunk in data)
                {
                    if (!TryDecode(chunk, family, found, now, byteBudget, ref bytes, out bool full)) return null;
                    if (full) return Served(found);
                }
            }
            return Served(found);
        }

        private List<CacheEntry> Served(List<CacheEntry> found)
        {
            Interlocked.Increment(ref _packsRead);
            return found;
        }

        private static string ChunkId(string family, string build, int index) => family + build + index.ToString("x6");

        private static long Checksum(byte[] chunk) => unchecked((long)System.IO.Hashing.XxHash64.HashToUInt64(chunk));

        private static readonly RandomNumberGenerator Random = RandomNumberGenerator.Create(); // thread-safe

        private static byte[] RandomBytes()
        {
            var bytes = new byte[8];
            Random.GetBytes(bytes);
            return bytes;
        }

        private static long NewGeneration() => BitConverter.ToInt64(RandomBytes(), 0);

        private static string NewBuildId()
        {
            var sb = new StringBuilder(16);
            foreach (var b in RandomBytes()) sb.Append(b.ToString("x2"));
            return sb.ToString();
        }

        // A chunk: entries one after the other, each its key and what serving a hit needs (what
        // LiteDbEngine.ReadFamily keeps of a document), times as stored in documents (EntryTimes).
        private static List<byte[]> Encode(IReadOnlyList<CacheEntry> entries)
        {
            var chunks = new List<byte[]>();
            using var stream = new MemoryStream(ChunkBytes + 4096);
            using var w = new BinaryWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            foreach (var e in entries)
            {
                w.Write(e.Key);
                w.Write(e.Format);
                w.Write(e.Created.UtcTicks);
                w.Write(EntryTimes.ExpiryTicks(e.Expires));
                w.Write(EntryTimes.WindowTicks(e.Sliding));
                w.Write(e.LastAccess.UtcTicks);
                w.Write(e.Hits);
                w.Write(e.SizeBytes);
                w.Write(EntryTimes.OptionalTicks(e.StaleUntil));
                w.Write(EntryTimes.OptionalTicks(e.AbsoluteExpires));
                w.Write(e.WriteSequence);
                w.Write(e.AccessSequence);
                var payload = e.Payload ?? Array.Empty<byte>();
                w.Write(payload.Length);
                w.Write(payload);
                if (stream.Length >= ChunkBytes)
                {
                    w.Flush();
                    chunks.Add(stream.ToArray());
                    stream.SetLength(0);
                }
            }
            w.Flush();
            if (stream.Length > 0) chunks.Add(stream.ToArray());
            return chunks;
        }

        private static bool TryDecode(byte[] chunk, string family, List<CacheEntry> found, DateTimeOffset now, long byteBudget, ref long bytes, out bool full)
        {
            full = false;
            try
            {
                using var stream = new MemoryStream(chunk, writable: false);
                using var r = new BinaryReader(stream, new UTF8Encoding(false));
                while (stream.Position < stream.Length)
                {
                    var key = r.ReadString();
                    if (!key.StartsWith(family, StringComparison.Ordinal)) return false;
                    var entry = new CacheEntry(key)
                    {
                        Format = r.ReadInt32(),
                        Created = EntryTimes.At(r.ReadInt64()),
                        Expires = EntryTimes.ExpiryFromTicks(r.ReadInt64()),
                    };
                    entry.Sliding = EntryTimes.WindowFromTicks(r.ReadInt64());
                    entry.LastAccess = EntryTimes.At(r.ReadInt64());
                    entry.Hits = r.ReadInt64();
                    entry.SizeBytes = r.ReadInt64();
                    entry.StaleUntil = EntryTimes.OptionalFromTicks(r.ReadInt64());
                    entry.AbsoluteExpires = EntryTimes.OptionalFromTicks(r.ReadInt64());
                    entry.WriteSequence = r.ReadInt64();
                    entry.AccessSequence = r.ReadInt64();
                    int length = r.ReadInt32();
                    if (length < 0 || length > stream.Length - stream.Position) return false;
                    entry.Payload = r.ReadBytes(length); // no label, tags or key parts: what ReadFamily keeps
                    if (entry.IsExpiredAt(now)) continue; // a point read deals with it, as with a read of the entries
                    bytes += length;
                    if (bytes > byteBudget)
                    {
                        full = true;
                        return true;
                    }
                    found.Add(entry);
                }
                return true;
            }
            catch (Exception ex) when (ex is EndOfStreamException || ex is IOException || ex is ArgumentException || ex is FormatException)
            {
                return false;
            }
        }
    }
}
