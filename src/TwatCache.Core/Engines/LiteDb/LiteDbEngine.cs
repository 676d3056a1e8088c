using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using LiteDB;
using TwatCache.Locking;
using TwatCache.Storage;

namespace TwatCache.Engines
{
    /// <summary>
    /// Persistent engine on one LiteDB file, opened in direct mode only inside a <see cref="LeasedDatabase"/>
    /// session: one process at a time has the file open, for a run of operations, under a cross-process
    /// lease the OS frees when a process dies. Every process opens these files only this way (they are
    /// named <c>*.tcdb</c>; earlier versions opened <c>*.litedb</c> in shared mode and never touch these),
    /// so direct and shared access never mix on one file (LiteDB on Linux can lose writes then).
    /// Documents: <c>_id</c> = hashed key, payload bytes, format, and metadata as UTC ticks (ticks
    /// avoid LiteDB's local-time conversion of dates). Expiry and tags are indexed.
    /// A busy file is retried with backoff; expired entries are purged a few at a time as writes go by;
    /// freed pages are reused by LiteDB, so a store under churn stays near the size of its live set.
    /// Per-key cross-process locks are lock files in <c>&lt;file&gt;.locks/</c>. A key family of more than one
    /// page of <see cref="ReadFamily"/> also gets a packed copy (<see cref="FamilyPacks"/>) that every change of
    /// one of its entries deletes, so each write or removal below tells the packs first.
    /// </summary>
    internal sealed class LiteDbEngine : ICacheEngine, ICrossProcessLocking, IBatchWritable, IAccessRecorder, IFamilyReader
    {
        // Builds before family packs kept entries in "entries"; they would change entries without telling the
        // packs (see FamilyPacks), so this build keeps its own and drops theirs as it opens the file.
        internal const string CollectionName = "entries2";
        internal const string EarlierCollectionName = "entries";
        private const int Attempts = 8;
        private const string TagIndex = "tags";
        private readonly LeasedDatabase _db;
        private readonly FamilyPacks _packs;
        private readonly LockFileLocks _locks;
        private long _writes;

        /// <summary>The store's access sequence (eviction order across processes), kept beside the lock files.</summary>
        internal SequenceFile Sequence { get; }

        /// <summary>Sessions (file opens under the lease) this engine has had so far.</summary>
        internal long Sessions => _db.Sessions;

        /// <summary>Writes between two opportunistic purges of expired entries.</summary>
        public const int PurgeEvery = 32;

        /// <summary>Most expired entries one opportunistic purge removes (bounded work per call).</summary>
        public const int PurgeBatch = 64;

        /// <summary>Opens (creating when missing) the database file at <paramref name="filePath"/>.</summary>
        /// <exception cref="CacheEngineUnavailableException">The file is busy past retries or cannot be opened.</exception>
        /// <exception cref="CacheStoreCorruptException">The file is not a readable LiteDB database.</exception>
        public LiteDbEngine(string filePath)
        {
            Location = Path.GetFullPath(filePath);
            var dir = Path.GetDirectoryName(Location);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            _locks = new LockFileLocks(Location + ".locks");
            Sequence = new SequenceFile(Path.Combine(_locks.Directory, "_sequence"));
            try
            {
                _db = new LeasedDatabase(Location, CollectionName, _locks.Directory);
                _packs = new FamilyPacks(_db);
                Retry(() => _db.RunOnce(entries =>
                {
                    _db.DropCollection(EarlierCollectionName);
                    entries.EnsureIndex("expires");
                    entries.EnsureIndex(TagIndex, "$.tags[*]"); // multikey: one index key per tag
                    return 0;
                }));
                RestrictFiles();
            }
            catch (Exception ex) when (!IsBusy(ex) && !(ex is IOException) && !(ex is UnauthorizedAccessException))
            {
                // LiteDB reports a damaged file with whatever its parser hit (LiteException, ArgumentOutOfRange...).
                _db?.Dispose();
                throw new CacheStoreCorruptException($"The LiteDB store '{Location}' is damaged: {ex.Message}", ex);
            }
            catch (Exception ex) when (ex is LiteException || ex is IOException || ex is UnauthorizedAccessException)
            {
                _db?.Dispose();
                throw new CacheEngineUnavailableException($"The LiteDB store '{Location}' cannot be opened: {ex.Message}", ex);
            }
        }

        /// <summary>
        /// Opens the store at <paramref name="filePath"/>; a damaged file is moved aside as
        /// <c>*.corrupt-&lt;timestamp&gt;</c> (under a lock, so concurrent processes move it once) and a new
        /// store is created. <paramref name="warn"/> hears about it.
        /// </summary>
        public static LiteDbEngine OpenOrRecover(string filePath, Action<string> warn)
        {
            try
            {
                if (File.Exists(filePath))
                {
                    // What is moved aside must be the damaged bytes as they were (see RefuseMisshapen).
                    return OpenExisting(filePath);
                }
                // First creation under the store lock: a process must never read a file another one is still
                // initialising and take it for a damaged one.
                var full = Path.GetFullPath(filePath);
                using (new LockFileLocks(full + ".locks").AcquireLock("_store", TimeSpan.FromSeconds(30)))
                {
                    return new LiteDbEngine(filePath);
                }
            }
            catch (CacheStoreCorruptException first)
            {
                var full = Path.GetFullPath(filePath);
                using (new LockFileLocks(full + ".locks").AcquireLock("_store", TimeSpan.FromSeconds(30)))
                {
                    for (int attempt = 0; attempt < 3; attempt++)
                    {
                        try
                        {
                            // Another process may have recovered it meanwhile, or may still be creating it.
                            return File.Exists(filePath) ? OpenExisting(filePath) : new LiteDbEngine(filePath);
                        }
                        catch (CacheStoreCorruptException) when (attempt < 2)
                        {
                            Thread.Sleep(250);
                        }
                        catch (CacheStoreCorruptException)
                        {
                            break;
                        }
                    }
                    var aside = full + ".corrupt-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff");
                    using (new StoreLease(full + ".locks").Acquire(LeasedDatabase.LeaseTimeout)) // no session has it open
                    {
                        File.Move(full, aside);
                        var log = LogFileOf(full);
                        if (File.Exists(log)) File.Move(log, aside + "-log");
                    }
                    warn($"The cache store '{full}' was damaged ({first.InnerException?.Message}); it was moved to '{aside}' and a new one was created.");
                    return new LiteDbEngine(filePath);
                }
            }
        }

        private const int PageSize = 8192;
        private static readonly byte[] HeaderInfo = System.Text.Encoding.ASCII.GetBytes("** This is a LiteDB file **");

        // LiteDB "repairs" a damaged file as it opens it, even read-only (it cuts it to whole pages and
        // rewrites header fields), so what it cannot read would be moved aside altered. A file that is not
        // whole pages or lacks LiteDB's header is refused before LiteDB sees it; for the rest the first
        // page is kept and put back if LiteDB then fails.
        private static void RefuseMisshapen(string full, long length, byte[] start)
        {
            if (length == 0) return; // LiteDB initialises an empty file
            bool signed = start.Skip(32).Take(HeaderInfo.Length).SequenceEqual(HeaderInfo);
            if (length % PageSize != 0 || !signed)
                throw new CacheStoreCorruptException($"The LiteDB store '{full}' is damaged: {(signed ? $"its length ({length} bytes) is not a whole number of {PageSize}-byte pages" : "it has no LiteDB header")}.");
        }

        // Opens an existing store, putting its first page back as it was when LiteDB finds it damaged.
        private static LiteDbEngine OpenExisting(string filePath)
        {
            var full = Path.GetFullPath(filePath);
            var firstPage = ReadFirstPage(full, out long length);
            RefuseMisshapen(full, length, firstPage);
            try
            {
                return new LiteDbEngine(filePath);
            }
            catch (CacheStoreCorruptException)
            {
                // Only a page read whole can be put back unchanged.
                if (firstPage.Length == Math.Min(PageSize, length)) RestoreFirstPage(filePath, firstPage);
                throw;
            }
        }

        // The first page (the whole file when it is shorter) and the file's length, read once for both the
        // shape check and the restore.
        private static byte[] ReadFirstPage(string full, out long length)
        {
            using var fs = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            length = fs.Length;
            var page = new byte[Math.Min(PageSize, length)];
            int read = 0;
            while (read < page.Length)
            {
                int n = fs.Read(page, read, page.Length - read);
                if (n == 0) break;
                read += n;
            }
            if (read < page.Length) Array.Resize(ref page, read);
            return page;
        }

        private static void RestoreFirstPage(string filePath, byte[] page)
        {
            try
            {
                using var fs = new FileStream(filePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                fs.Write(page, 0, page.Length);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Best effort: the file is moved aside as it is.
            }
        }

        /// <inheritdoc />
        public IDisposable? AcquireLock(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
            => _locks.AcquireLock(key, timeout, cancellationToken);

        /// <inheritdoc />
        public string Name => "LiteDb";

        /// <inheritdoc />
        public bool StoresObjects => false;

        /// <inheritdoc />
        public string? Location { get; }

        /// <inheritdoc />
        /// <remarks>A miss ends the session: a block is about to run, and the file is not held meanwhile.</remarks>
        public CacheEntry? Get(string key, DateTimeOffset now) => Retry(() => _db.Run(entries => GetIn(entries, key, now), entry => entry == null));

        // FindById builds and parses "_id = @0" on every call (a large share of a warm read in the profile);
        // this expression is parsed once and its parameter set per read (only inside a session, under its lock).
        private readonly BsonExpression _byId = BsonExpression.Create("_id = @id");

        private BsonDocument? FindById(ILiteCollection<BsonDocument> entries, string key)
        {
            _byId.Parameters["id"] = key;
            return entries.Query().Where(_byId).FirstOrDefault();
        }

        private CacheEntry? GetIn(ILiteCollection<BsonDocument> entries, string key, DateTimeOffset now)
        {
            var doc = FindById(entries, key);
            if (doc == null) return null;
            var entry = FromDocument(doc, withPayload: true);
            if (entry.IsExpiredAt(now))
            {
                if (!entry.IsRetainedAt(now)) Delete(entries, key);
                return null;
            }
            if (TouchDocument(doc, entry, now)) entries.Update(doc);
            return entry;
        }

        // Applies a read at now to the entry and, when the read must be written back, to its document: true
        // when the document changed (the caller updates it).
        private bool TouchDocument(BsonDocument doc, CacheEntry entry, DateTimeOffset now)
        {
            if (!Touch(entry, now)) return false;
            WriteAccess(doc, entry, now, Sequence.Next());
            return true;
        }

        // Applies a read at now to the entry; true when the store must record it.
        private bool Touch(CacheEntry entry, DateTimeOffset now)
        {
            var storedAccess = entry.LastAccess;
            entry.Touch(now);
            return TrackEveryAccess || NeedsAccessWrite(entry, storedAccess, now);
        }

        private static void WriteAccess(BsonDocument doc, CacheEntry entry, DateTimeOffset now, long sequence)
        {
            entry.AccessSequence = sequence;
            doc["access"] = now.UtcTicks;
            doc["hits"] = entry.Hits;
            doc["aseq"] = entry.AccessSequence;
            if (entry.Expires.HasValue) doc["expires"] = entry.Expires.Value.UtcTicks;
        }

        /// <inheritdoc />
        public bool AllowsReadAhead => !TrackEveryAccess;

        /// <inheritdoc />
        /// <remarks>
        /// The family's pack when it has a current one (<see cref="FamilyPacks.TryRead"/>); otherwise a range scan
        /// of the primary index (block keys begin with their family), in pages of <see cref="FamilyPage"/>
        /// documents, each its own operation: between two pages a process waiting for the file gets it (see
        /// <see cref="LeasedDatabase.MaxHold"/>), so a large family never holds the lease for the whole read. A
        /// scan of more than one page then writes the family's pack for the next read.
        /// </remarks>
        public IReadOnlyList<CacheEntry> ReadFamily(string prefix, DateTimeOffset now, long byteBudget)
        {
            var packed = Retry(() => _packs.TryRead(prefix, now, byteBudget));
            if (packed != null) return packed;
            var found = new List<CacheEntry>();
            long bytes = 0;
            string? after = null;
            long? began = null;
            while (true)
            {
                var page = Retry(() => _db.Run(entries =>
                {
                    var read = ReadFamilyPage(entries, prefix, after);
                    // A family of more than a page gets a pack, written from this read if nothing changes meanwhile
                    // (and if no entry slides: each read of those writes the entry back, which ends the pack).
                    if (after == null && read.Count == FamilyPage) began = _packs.Begin(prefix);
                    return read;
                }));
                foreach (var entry in page)
                {
                    if (entry.IsExpiredAt(now)) continue; // a point read deals with it (purge or fail-safe)
                    bytes += entry.Payload?.Length ?? 0;
                    if (bytes > byteBudget) return found;
                    found.Add(entry);
                }
                if (page.Count < FamilyPage) break;
                after = page[page.Count - 1].Key;
            }
            if (began.HasValue && !found.Any(e => e.Sliding.HasValue))
            {
                try
                {
                    Retry(() => _packs.TryWrite(prefix, began.Value, found));
                }
                catch (Exception ex) when (ex is LiteException || ex is IOException)
                {
                    // The pack only saves the next read some time; this one has its entries.
                }
            }
            return found;
        }

        /// <summary>Family reads served by a pack so far (a diagnostic for tests and benchmarks).</summary>
        internal long PackReads => _packs.PacksRead;

        /// <summary>Packs written so far.</summary>
        internal long PackWrites => _packs.PacksWritten;

        /// <summary>Documents per page of <see cref="ReadFamily"/>.</summary>
        internal const int FamilyPage = 1000;

        // Keys are hex digits, so every key of the family lies between the prefix and the prefix followed by 'g'
        // (under ordinal and culture collation alike); the bound is inclusive, so the previous page's last key is skipped.
        private List<CacheEntry> ReadFamilyPage(ILiteCollection<BsonDocument> entries, string prefix, string? after)
        {
            var page = new List<CacheEntry>(FamilyPage);
            foreach (var doc in entries.Find(Query.Between("_id", after ?? prefix, prefix + "g"), 0, FamilyPage + 1))
            {
                var key = doc["_id"].AsString;
                if (key == after) continue;
                if (!key.StartsWith(prefix, StringComparison.Ordinal)) break;
                // Held until the pipeline takes it: only what serving a hit needs (the listing fields would
                // double what a large family keeps in memory).
                var entry = FromDocument(doc, withPayload: true);
                entry.Label = null;
                entry.KeyParts = null;
                entry.Tags = Array.Empty<string>();
                page.Add(entry);
                if (page.Count == FamilyPage) break;
            }
            return page;
        }

        /// <inheritdoc />
        /// <remarks>
        /// Within <see cref="ReadAheadAccessWriteInterval"/> of the stored access time only a sliding entry's read is
        /// recorded (its expiry moves): rewriting a document costs LiteDB 120-200 µs, several times the read itself,
        /// and a nightly pipeline would otherwise rewrite every entry it replays on every run.
        /// </remarks>
        public bool ReadNeedsRecording(CacheEntry entry, DateTimeOffset now)
            => TrackEveryAccess || NeedsAccessWrite(entry, entry.LastAccess, now, ReadAheadAccessWriteInterval);

        /// <summary>
        /// How stale the stored access time of an entry may get before a hit served by a pipeline's read-ahead
        /// writes it back (single lookups: <see cref="AccessWriteInterval"/>). Stored access times and hit counts of
        /// entries that pipelines replay are therefore precise to a week.
        /// </summary>
        public static readonly TimeSpan ReadAheadAccessWriteInterval = TimeSpan.FromDays(7);

        /// <inheritdoc />
        /// <remarks>
        /// The documents are read again (another process may have rewritten them since), the changed ones get
        /// consecutive access sequence numbers from one reservation of the sequence file and are updated in one
        /// transaction.
        /// </remarks>
        public void RecordReads(IReadOnlyList<KeyValuePair<string, DateTimeOffset>> reads) => Retry(() => _db.Run(entries =>
        {
            var touched = new List<(BsonDocument Doc, CacheEntry Entry, DateTimeOffset At)>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var read in reads)
            {
                // One point read each: LiteDB's "_id IN [...]" measured 250 µs per document against 30-60 µs.
                var doc = seen.Add(read.Key) ? FindById(entries, read.Key) : null;
                if (doc == null) continue;
                var entry = FromDocument(doc, withPayload: false);
                if (!entry.IsExpiredAt(read.Value) && Touch(entry, read.Value)) touched.Add((doc, entry, read.Value));
            }
            if (touched.Count == 0) return 0;
            // A pack keeps the access times it was written with: left in place, it would send every later
            // pipeline's reads here again. Written again from these documents, it starts fresh.
            _packs.Changed(touched.Select(t => t.Entry.Key));
            long sequence = Sequence.Reserve(touched.Count);
            foreach (var t in touched) WriteAccess(t.Doc, t.Entry, t.At, sequence++);
            return entries.Update(touched.Select(t => t.Doc));
        }));

        /// <inheritdoc />
        public void RecordAccess(string key, DateTimeOffset now) => Retry(() => _db.Run(entries =>
        {
            var doc = entries.FindById(key);
            if (doc == null) return false;
            doc["access"] = now.UtcTicks;
            doc["hits"] = doc["hits"].AsInt64 + 1;
            doc["aseq"] = Sequence.Next();
            return entries.Update(doc);
        }));

        /// <summary>
        /// Write every hit's access time and count back to the file (set by contexts that evict by LRU or
        /// LFU, whose choices depend on them); otherwise hits write back at most once per <see cref="AccessWriteInterval"/>.
        /// </summary>
        public bool TrackEveryAccess { get; set; }

        /// <summary>
        /// How stale the stored last-access time of an entry may get before a hit writes it back (like a
        /// file system's relatime). A write in shared mode is a committed transaction, several times the
        /// cost of the read, and most hits of a persistent cache are reads of entries written long ago; so
        /// a hit only reads unless the stored access time is older than this. LRU order is therefore kept
        /// to this resolution, and stored per-entry hit counts count at most one hit per interval.
        /// </summary>
        public static readonly TimeSpan AccessWriteInterval = TimeSpan.FromHours(1);

        // A sliding entry's stored expiry may trail the true one by at most a tenth of its window: another
        // process may then see an early miss, never a late hit.
        private static bool NeedsAccessWrite(CacheEntry entry, DateTimeOffset storedAccess, DateTimeOffset now)
            => NeedsAccessWrite(entry, storedAccess, now, AccessWriteInterval);

        private static bool NeedsAccessWrite(CacheEntry entry, DateTimeOffset storedAccess, DateTimeOffset now, TimeSpan interval)
        {
            if (entry.Sliding.HasValue && entry.Sliding.Value.Ticks / 10 < interval.Ticks)
                interval = TimeSpan.FromTicks(entry.Sliding.Value.Ticks / 10);
            return now - storedAccess >= interval;
        }

        /// <inheritdoc />
        public CacheEntry? GetStale(string key, DateTimeOffset now) => Retry(() => _db.Run(entries =>
        {
            var doc = entries.FindById(key);
            if (doc == null) return null;
            var entry = FromDocument(doc, withPayload: true);
            if (entry.IsRetainedAt(now)) return entry;
            Delete(entries, key);
            return null;
        }));

        /// <inheritdoc />
        /// <remarks>The lookup runs on the multikey index of <c>$.tags[*]</c>.</remarks>
        public int RemoveByTag(string tag) => Retry(() => _db.Run(entries =>
        {
            // DeleteMany straight on a multikey predicate fails in LiteDB 5.0.21 ("get only index below highest
            // index") once an entry has several tags: find the ids through the index, then delete by primary key.
            var ids = new HashSet<BsonValue>();
            foreach (var doc in entries.Query().Where(TagQuery(tag)).Select(IdOnly).ToEnumerable()) ids.Add(doc["_id"]);
            if (ids.Count == 0) return 0;
            _packs.Changed(ids.Select(id => id.AsString));
            return entries.DeleteMany(Query.In("_id", ids));
        }));

        private static readonly BsonExpression IdOnly = BsonExpression.Create("{ _id: $._id }");

        /// <summary>The query that finds the entries tagged <paramref name="tag"/> (tags are stored in lower case).</summary>
        public static BsonExpression TagQuery(string tag)
            => BsonExpression.Create("$.tags[*] ANY = @0", new BsonValue((tag ?? throw new ArgumentNullException(nameof(tag))).ToLowerInvariant()));

        /// <inheritdoc />
        public void Set(CacheEntry entry)
        {
            if (entry.Payload == null) throw new ArgumentException("The LiteDb engine stores payload bytes; the entry has none.", nameof(entry));
            entry.WriteSequence = entry.AccessSequence = Sequence.Next();
            var doc = ToDocument(entry);
            Retry(() => _db.Run(entries =>
            {
                _packs.Changed(entry.Key);
                return entries.Upsert(doc);
            }));
            if (Interlocked.Increment(ref _writes) % PurgeEvery == 0) PurgeSome(entry.LastAccess);
        }

        /// <inheritdoc />
        /// <remarks>One LiteDB transaction for the whole batch.</remarks>
        public void SetMany(IReadOnlyList<CacheEntry> entries)
        {
            if (entries == null) throw new ArgumentNullException(nameof(entries));
            if (entries.Count == 0) return;
            var docs = new List<BsonDocument>(entries.Count);
            long sequence = Sequence.Reserve(entries.Count); // in list order, one counter update for the batch
            foreach (var entry in entries)
            {
                if (entry.Payload == null) throw new ArgumentException("The LiteDb engine stores payload bytes; an entry has none.", nameof(entries));
                entry.WriteSequence = entry.AccessSequence = sequence++;
                docs.Add(ToDocument(entry));
            }
            Retry(() => _db.Run(entries =>
            {
                _packs.Changed(docs.Select(d => d["_id"].AsString));
                return entries.Upsert(docs);
            }));
        }

        /// <summary>Removes at most <see cref="PurgeBatch"/> expired entries, oldest expiry first; returns how many went.</summary>
        public int PurgeSome(DateTimeOffset now) => Retry(() => _db.Run(entries =>
        {
            int removed = 0;
            var ids = new List<BsonValue>();
            foreach (var doc in entries.Find(Purgeable(now), 0, PurgeBatch)) ids.Add(doc["_id"]);
            foreach (var id in ids)
            {
                if (Delete(entries, id.AsString)) removed++;
            }
            return removed;
        }));

        /// <inheritdoc />
        public bool Remove(string key) => Retry(() => _db.Run(entries => Delete(entries, key)));

        // Every removal of one entry goes through here. The pack goes first: a process killed between the two
        // steps must leave no pack that still holds the entry.
        private bool Delete(ILiteCollection<BsonDocument> entries, string key)
        {
            _packs.Changed(key);
            return entries.Delete(key);
        }

        /// <inheritdoc />
        public int Clear() => Retry(() => _db.Run(entries =>
        {
            _packs.RemoveAll();
            return entries.DeleteAll();
        }));

        /// <inheritdoc />
        public int RemoveExpired(DateTimeOffset now) => Retry(() => _db.Run(entries =>
        {
            var purgeable = Purgeable(now);
            if (!entries.Exists(purgeable)) return 0;
            _packs.RemoveAll();
            return entries.DeleteMany(purgeable);
        }));

        // Expired and past fail-safe retention. Documents written before retention existed have no "stale"
        // field; null sorts below every number in BSON, so they purge as soon as they expire.
        private static BsonExpression Purgeable(DateTimeOffset now)
            => Query.And(Query.LTE("expires", now.UtcTicks), Query.LTE("stale", now.UtcTicks));

        /// <inheritdoc />
        public IReadOnlyList<CacheEntry> List() => Retry(() => _db.Run(entries =>
        {
            var list = new List<CacheEntry>();
            foreach (var doc in entries.Query().Select(MetadataFields).ToEnumerable()) list.Add(FromDocument(doc, withPayload: false));
            return list;
        }));

        /// <inheritdoc />
        public StoreSummary Summarize()
        {
            var (count, bytes) = Retry(() => _db.Run(entries =>
            {
                long c = 0, b = 0;
                foreach (var doc in entries.Query().Select("{ size: $.size }").ToEnumerable())
                {
                    c++;
                    b += doc["size"].AsInt64;
                }
                return (c, b);
            }));
            long fileBytes = File.Exists(Location) ? new FileInfo(Location!).Length : 0;
            var log = LogFileOf(Location!);
            if (File.Exists(log)) fileBytes += new FileInfo(log).Length;
            return new StoreSummary(count, bytes, fileBytes);
        }

        private static readonly BsonExpression MetadataFields = BsonExpression.Create(
            "{ _id: $._id, fmt: $.fmt, created: $.created, expires: $.expires, sliding: $.sliding, access: $.access, hits: $.hits, size: $.size, label: $.label, stale: $.stale, tags: $.tags, cap: $.cap, wseq: $.wseq, aseq: $.aseq, kparts: $.kparts }");

        // A busy file (another process mid-transaction) is worth waiting for; anything else is not.
        private static bool IsBusy(Exception ex)
            => ex is LiteException le ? le.ErrorCode == LiteException.LOCK_TIMEOUT : ex is IOException && !(ex is FileNotFoundException) && !(ex is DirectoryNotFoundException);

        private static T Retry<T>(Func<T> operation) => TransientRetry.Run(operation, IsBusy, Attempts, firstDelayMs: 20, growth: 2);

        private void RestrictFiles()
        {
            foreach (var f in new[] { Location!, LogFileOf(Location!) })
            {
                if (File.Exists(f)) UnixPermissions.Set(f, UnixPermissions.OwnerOnlyFile);
            }
        }

        // LiteDB 5 keeps its write-ahead log beside the data file: "name-log.ext".
        private static string LogFileOf(string dataFile)
            => Path.Combine(Path.GetDirectoryName(dataFile) ?? ".", Path.GetFileNameWithoutExtension(dataFile) + "-log" + Path.GetExtension(dataFile));

        private static BsonDocument ToDocument(CacheEntry e) => new BsonDocument
        {
            ["_id"] = e.Key,
            ["payload"] = e.Payload,
            ["fmt"] = e.Format,
            ["created"] = e.Created.UtcTicks,
            ["expires"] = EntryTimes.ExpiryTicks(e.Expires),
            ["sliding"] = EntryTimes.WindowTicks(e.Sliding),
            ["access"] = e.LastAccess.UtcTicks,
            ["hits"] = e.Hits,
            ["size"] = e.SizeBytes,
            ["label"] = e.Label ?? string.Empty,
            ["stale"] = EntryTimes.OptionalTicks(e.StaleUntil),
            ["tags"] = new BsonArray(e.Tags.Select(t => new BsonValue(t))),
            ["cap"] = EntryTimes.OptionalTicks(e.AbsoluteExpires),
            ["wseq"] = e.WriteSequence,
            ["aseq"] = e.AccessSequence,
            ["kparts"] = e.KeyParts ?? string.Empty,
        };

        private static CacheEntry FromDocument(BsonDocument d, bool withPayload)
        {
            long expires = d["expires"].AsInt64;
            long sliding = d["sliding"].AsInt64;
            return new CacheEntry(d["_id"].AsString)
            {
                Payload = withPayload ? d["payload"].AsBinary : null,
                Format = d["fmt"].AsInt32,
                Created = EntryTimes.At(d["created"].AsInt64),
                Expires = EntryTimes.ExpiryFromTicks(expires),
                Sliding = EntryTimes.WindowFromTicks(sliding),
                LastAccess = EntryTimes.At(d["access"].AsInt64),
                Hits = d["hits"].AsInt64,
                SizeBytes = d["size"].AsInt64,
                Label = d["label"].AsString,
                StaleUntil = d["stale"].IsInt64 ? EntryTimes.OptionalFromTicks(d["stale"].AsInt64) : null,
                Tags = d["tags"].IsArray ? d["tags"].AsArray.Where(t => t.IsString).Select(t => t.AsString).ToArray() : Array.Empty<string>(),
                // Documents written before the cap existed have no "cap" field: no absolute limit.
                AbsoluteExpires = d["cap"].IsInt64 ? EntryTimes.OptionalFromTicks(d["cap"].AsInt64) : null,
                // Documents written before sequences existed have neither field: 0 sorts them first, by time.
                WriteSequence = d["wseq"].IsNumber ? d["wseq"].AsInt64 : 0,
                AccessSequence = d["aseq"].IsNumber ? d["aseq"].AsInt64 : 0,
                // Documents written before key parts were recorded have no "kparts" field.
                KeyParts = d["kparts"].IsString && d["kparts"].AsString.Length > 0 ? d["kparts"].AsString : null,
            };
        }

        /// <inheritdoc />
        public void Dispose() => _db.Dispose();
    }
}
