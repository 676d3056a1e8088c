using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using System.Threading;
using TwatCache.Locking;
using TwatCache.Storage;

namespace TwatCache.Engines
{
    /// <summary>
    /// Persistent engine with one directory per entry, named by the hashed key (no user text in paths):
    /// <c>data</c> holds a small header (times, format, length, XxHash64 of the payload, label) and the
    /// payload; <c>access</c> holds the read metadata (last access, hits, sliding expiry, write and access
    /// sequence numbers from the store's counter in <c>&lt;store&gt;.locks/_sequence</c>) so a hit never
    /// rewrites a large payload. Both are written to a temporary name and renamed over the old file, so a
    /// reader sees the old or the new entry, never half of one. Reads verify length and checksum; a damaged
    /// entry is a miss and is deleted. Directories are 0700 and files 0600 on Unix.
    /// An entry with tags, fail-safe retention or a TTL on a sliding lifetime also has a small <c>meta</c> file
    /// (tags, retention, absolute limit), and
    /// each tag has a directory of empty marker files named by key in <c>&lt;store&gt;.tags/&lt;hash of tag&gt;/</c>,
    /// so removing a tag lists one directory and reads the small meta files, never a payload. Markers left
    /// behind by removals or rewrites are checked against the meta file and dropped.
    /// </summary>
    public sealed class FileEngine : ICacheEngine, ICrossProcessLocking, IAccessRecorder
    {
        private const string DataName = "data", AccessName = "access", MetaName = "meta";
        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("TCF1");
        private const long NoExpiry = long.MaxValue;
        private readonly LockFileLocks _locks;
        private readonly string _tagRoot;
        private readonly SequenceFile _sequence;
        private long _writes;

        /// <summary>Writes between two opportunistic purges of expired entries.</summary>
        public const int PurgeEvery = 64;

        /// <summary>Most entry directories one opportunistic purge looks at.</summary>
        public const int PurgeScan = 128;

        /// <summary>Uses (creating it) <paramref name="directory"/> for the entries.</summary>
        public FileEngine(string directory) : this(directory, null) { }

        // `sequence`: the access sequence of the store this engine is part of (Auto shares LiteDb's, so that
        // eviction compares entries of both engines); null: one of its own beside the lock files.
        internal FileEngine(string directory, SequenceFile? sequence)
        {
            Location = Path.GetFullPath(directory);
            try
            {
                Directory.CreateDirectory(Location);
                UnixPermissions.Set(Location, UnixPermissions.OwnerOnlyDirectory);
                _locks = new LockFileLocks(Location + ".locks");
                _tagRoot = Location + ".tags";
                _sequence = sequence ?? new SequenceFile(Path.Combine(_locks.Directory, "_sequence"));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new CacheEngineUnavailableException($"The File store '{Location}' cannot be created: {ex.Message}", ex);
            }
        }

        /// <inheritdoc />
        public string Name => "File";

        /// <inheritdoc />
        public bool StoresObjects => false;

        /// <inheritdoc />
        public string? Location { get; }

        /// <inheritdoc />
        public IDisposable? AcquireLock(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
            => _locks.AcquireLock(CheckKey(key), timeout, cancellationToken);

        /// <inheritdoc />
        public CacheEntry? Get(string key, DateTimeOffset now) => RetryOnRace(() => GetOnce(key, now));

        private CacheEntry? GetOnce(string key, DateTimeOffset now)
        {
            var dir = EntryDirectory(key);
            var entry = ReadEntry(key, dir);
            if (entry == null) return null;
            if (entry.IsExpiredAt(now))
            {
                if (!entry.IsRetainedAt(now)) DeleteDirectory(dir);
                return null;
            }
            entry.Touch(now);
            entry.AccessSequence = _sequence.Next();
            WriteAccess(dir, entry);
            return entry;
        }

        /// <inheritdoc />
        public void RecordAccess(string key, DateTimeOffset now) => RetryOnRace(() =>
        {
            var dir = EntryDirectory(key);
            var entry = ReadMetadata(dir);
            if (entry == null) return false;
            entry.Hits++;
            entry.LastAccess = now;
            entry.AccessSequence = _sequence.Next();
            WriteAccess(dir, entry);
            return true;
        });

        /// <inheritdoc />
        public CacheEntry? GetStale(string key, DateTimeOffset now) => RetryOnRace(() => GetStaleOnce(key, now));

        private CacheEntry? GetStaleOnce(string key, DateTimeOffset now)
        {
            var dir = EntryDirectory(key);
            var entry = ReadEntry(key, dir);
            if (entry == null) return null;
            if (entry.IsRetainedAt(now)) return entry;
            DeleteDirectory(dir);
            return null;
        }

        // The entry with its payload, access and meta sidecars; null when missing. A damaged or truncated
        // data file is a miss and its directory is deleted.
        private CacheEntry? ReadEntry(string key, string dir)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(Path.Combine(dir, DataName));
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return null;
            }
            var entry = Parse(key, bytes, withPayload: true);
            if (entry == null)
            {
                DeleteDirectory(dir);
                return null;
            }
            ApplyAccess(entry, dir);
            ApplyMeta(entry, dir);
            return entry;
        }

        /// <inheritdoc />
        public int RemoveByTag(string tag)
        {
            var tagDir = TagDirectory(tag);
            string[] markers;
            try { markers = Directory.GetFiles(tagDir); }
            catch (DirectoryNotFoundException) { return 0; }
            int removed = 0;
            foreach (var marker in markers)
            {
                var key = Path.GetFileName(marker);
                if (IsKey(key))
                {
                    var dir = EntryDirectory(key);
                    var meta = new CacheEntry(key);
                    var created = ReadCreated(dir);
                    // The marker may be older than the entry's last rewrite: trust the entry's own meta file.
                    if (created.HasValue)
                    {
                        meta.Created = created.Value;
                        ApplyMeta(meta, dir);
                        if (meta.HasTag(tag) && DeleteDirectory(dir)) removed++;
                    }
                }
                try { File.Delete(marker); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            try { Directory.Delete(tagDir); } catch (IOException) { /* a writer added a marker meanwhile */ }
            return removed;
        }

        /// <inheritdoc />
        public void Set(CacheEntry entry)
        {
            entry.WriteSequence = entry.AccessSequence = _sequence.Next();
            RetryOnRace(() => { SetOnce(entry); return true; });
        }

        private void SetOnce(CacheEntry entry)
        {
            if (entry.Payload == null) throw new ArgumentException("The File engine stores payload bytes; the entry has none.", nameof(entry));
            var dir = EntryDirectory(entry.Key);
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    Directory.CreateDirectory(dir);
                    UnixPermissions.Set(dir, UnixPermissions.OwnerOnlyDirectory);
                    WriteAtomically(dir, DataName, out var temp, fs => WriteData(fs, entry));
                    WriteAccess(dir, entry);
                    WriteMeta(dir, entry);
                    break;
                }
                catch (DirectoryNotFoundException) when (attempt < 2)
                {
                    // A concurrent Remove deleted the directory between its creation and the rename.
                }
            }
            if (Interlocked.Increment(ref _writes) % PurgeEvery == 0) PurgeSome(entry.LastAccess);
        }

        /// <summary>Looks at up to <see cref="PurgeScan"/> entries and removes the expired ones; returns how many went.</summary>
        public int PurgeSome(DateTimeOffset now)
        {
            int removed = 0;
            foreach (var dir in EntryDirectories().Take(PurgeScan))
            {
                var e = ReadMetadata(dir);
                if (e != null && !e.IsRetainedAt(now) && DeleteDirectory(dir)) removed++;
            }
            return removed;
        }

        /// <inheritdoc />
        public bool Remove(string key) => RetryOnRace(() => DeleteDirectory(EntryDirectory(key)));

        // Several processes share the directories: a rename, delete or read can meet another process's
        // operation half-way (a directory emptied while a file is added, a target replaced meanwhile).
        // Such an IOException is retried a few times with a short backoff before the engine gives up
        // (and the context falls back), instead of failing on the first collision.
        private static T RetryOnRace<T>(Func<T> operation)
            => TransientRetry.Run(operation, ex => ex is IOException, attempts: 4, firstDelayMs: 10, growth: 3);

        /// <inheritdoc />
        public int Clear()
        {
            int removed = 0;
            foreach (var dir in EntryDirectories().ToList())
            {
                if (DeleteDirectory(dir)) removed++;
            }
            DeleteDirectory(_tagRoot);
            return removed;
        }

        /// <inheritdoc />
        public int RemoveExpired(DateTimeOffset now)
        {
            int removed = 0;
            foreach (var dir in EntryDirectories().ToList())
            {
                var e = ReadMetadata(dir);
                if (e != null && !e.IsRetainedAt(now) && DeleteDirectory(dir)) removed++;
            }
            return removed;
        }

        /// <inheritdoc />
        public IReadOnlyList<CacheEntry> List()
        {
            var list = new List<CacheEntry>();
            foreach (var dir in EntryDirectories())
            {
                var e = ReadMetadata(dir);
                if (e != null) list.Add(e);
            }
            return list;
        }

        /// <inheritdoc />
        public StoreSummary Summarize()
        {
            long count = 0, bytes = 0, fileBytes = 0;
            foreach (var dir in EntryDirectories())
            {
                var e = ReadMetadata(dir);
                if (e == null) continue;
                count++;
                bytes += e.SizeBytes;
                try { fileBytes += new FileInfo(Path.Combine(dir, DataName)).Length; } catch (IOException) { }
            }
            return new StoreSummary(count, bytes, fileBytes);
        }

        /// <inheritdoc />
        public void Dispose() { }

        private string EntryDirectory(string key) => Path.Combine(Location!, CheckKey(key));

        // Tags are user text: the directory is named by a hash of the tag, never by the tag itself.
        private string TagDirectory(string tag)
        {
            var hash = XxHash128.Hash(Encoding.UTF8.GetBytes((tag ?? throw new ArgumentNullException(nameof(tag))).ToLowerInvariant()));
            return Path.Combine(_tagRoot, BitConverter.ToString(hash).Replace("-", string.Empty).ToLowerInvariant());
        }

        // Keys are hashes; anything else could smuggle path syntax into the store.
        private static string CheckKey(string key)
        {
            if (!IsKey(key)) throw new ArgumentException($"'{key}' is not a hashed key (letters, digits, '-' and '_' only).", nameof(key));
            return key;
        }

        private static bool IsKey(string key)
            => !string.IsNullOrEmpty(key) && key.Length <= 128 && key.All(c => (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_');

        private IEnumerable<string> EntryDirectories()
        {
            IEnumerable<string> dirs;
            try { dirs = Directory.EnumerateDirectories(Location!); }
            catch (DirectoryNotFoundException) { yield break; }
            foreach (var d in dirs) yield return d;
        }

        private static bool DeleteDirectory(string dir)
        {
            try
            {
                if (!Directory.Exists(dir)) return false;
                Directory.Delete(dir, recursive: true);
                return true;
            }
            catch (DirectoryNotFoundException)
            {
                return false;
            }
        }

        private static void WriteAtomically(string dir, string name, out string temp, Action<FileStream> write)
        {
            temp = Path.Combine(dir, "." + name + "-" + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
                {
                    UnixPermissions.Set(temp, UnixPermissions.OwnerOnlyFile);
                    write(fs);
                }
                var target = Path.Combine(dir, name);
                if (File.Exists(target)) File.Replace(temp, target, null);
                else
                {
                    try { File.Move(temp, target); }
                    catch (IOException) when (File.Exists(target)) { File.Replace(temp, target, null); } // another writer won the race
                }
            }
            catch
            {
                try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
        }

        private static void WriteData(Stream s, CacheEntry e)
        {
            var payload = e.Payload!;
            var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(e.Created.UtcTicks);
            w.Write(e.Expires?.UtcTicks ?? NoExpiry);
            w.Write(e.Sliding?.Ticks ?? 0L);
            w.Write(e.Format);
            w.Write(e.SizeBytes);
            w.Write(e.Label ?? string.Empty);
            w.Write((long)payload.Length);
            w.Write(XxHash64.Hash(payload));
            w.Write(payload);
            w.Flush();
        }

        // Parses a data file; null when it is damaged (bad magic, short, wrong length or checksum).
        private static CacheEntry? Parse(string key, byte[] bytes, bool withPayload)
        {
            try
            {
                using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
                var e = ReadHeader(key, r, out long length);
                if (e == null) return null;
                var sum = r.ReadBytes(8);
                long start = r.BaseStream.Position;
                if (sum.Length != 8 || bytes.Length - start != length) return null;
                var payload = new byte[length];
                Buffer.BlockCopy(bytes, (int)start, payload, 0, (int)length);
                if (!XxHash64.Hash(payload).SequenceEqual(sum)) return null;
                if (withPayload) e.Payload = payload;
                return e;
            }
            catch (EndOfStreamException)
            {
                return null;
            }
        }

        private static CacheEntry? ReadHeader(string key, BinaryReader r, out long length)
        {
            length = 0;
            if (!r.ReadBytes(4).SequenceEqual(Magic)) return null;
            long created = r.ReadInt64(), expires = r.ReadInt64(), sliding = r.ReadInt64();
            var e = new CacheEntry(key)
            {
                Created = new DateTimeOffset(created, TimeSpan.Zero),
                Expires = expires == NoExpiry ? (DateTimeOffset?)null : new DateTimeOffset(expires, TimeSpan.Zero),
                Sliding = sliding == 0 ? (TimeSpan?)null : TimeSpan.FromTicks(sliding),
                Format = r.ReadInt32(),
                SizeBytes = r.ReadInt64(),
                Label = r.ReadString(),
            };
            e.LastAccess = e.Created;
            length = r.ReadInt64();
            return length < 0 ? null : e;
        }

        // Header and access data only (listings, purges): the payload is not read.
        private static CacheEntry? ReadMetadata(string dir)
        {
            try
            {
                using var fs = new FileStream(Path.Combine(dir, DataName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096);
                using var r = new BinaryReader(fs, Encoding.UTF8);
                var e = ReadHeader(Path.GetFileName(dir), r, out _);
                if (e != null)
                {
                    ApplyAccess(e, dir);
                    ApplyMeta(e, dir);
                }
                return e;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                return null;
            }
        }

        private static void ApplyAccess(CacheEntry e, string dir)
        {
            byte[] a;
            try { a = File.ReadAllBytes(Path.Combine(dir, AccessName)); }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException) { return; }
            // 32 bytes (written before sequences existed) or 48 (with the write and access sequences).
            if ((a.Length != 32 && a.Length != 48) || BitConverter.ToInt64(a, 0) != e.Created.UtcTicks) return; // belongs to an older write
            e.LastAccess = new DateTimeOffset(BitConverter.ToInt64(a, 8), TimeSpan.Zero);
            e.Hits = BitConverter.ToInt64(a, 16);
            long expires = BitConverter.ToInt64(a, 24);
            e.Expires = expires == NoExpiry ? (DateTimeOffset?)null : new DateTimeOffset(expires, TimeSpan.Zero);
            if (a.Length == 48)
            {
                e.WriteSequence = BitConverter.ToInt64(a, 32);
                e.AccessSequence = BitConverter.ToInt64(a, 40);
            }
        }

        // Created time of the entry in <paramref name="dir"/> from its data header, or null when absent or damaged.
        private static DateTimeOffset? ReadCreated(string dir)
        {
            try
            {
                using var fs = new FileStream(Path.Combine(dir, DataName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64);
                using var r = new BinaryReader(fs, Encoding.UTF8);
                if (!r.ReadBytes(4).SequenceEqual(Magic)) return null;
                return new DateTimeOffset(r.ReadInt64(), TimeSpan.Zero);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                return null;
            }
        }

        // The meta file: created ticks (ties it to one write), retention ticks (0 = none), tag count, tags.
        private static void ApplyMeta(CacheEntry e, string dir)
        {
            byte[] m;
            try { m = File.ReadAllBytes(Path.Combine(dir, MetaName)); }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException) { return; }
            try
            {
                using var r = new BinaryReader(new MemoryStream(m, writable: false), Encoding.UTF8);
                if (r.ReadInt64() != e.Created.UtcTicks) return; // belongs to an older write
                long stale = r.ReadInt64();
                int count = r.ReadInt32();
                if (count < 0 || count > 1024) return;
                var tags = new string[count];
                for (int i = 0; i < count; i++) tags[i] = r.ReadString();
                e.StaleUntil = stale > 0 ? new DateTimeOffset(stale, TimeSpan.Zero) : (DateTimeOffset?)null;
                e.Tags = tags;
                // The absolute limit of a sliding entry follows the tags; meta files written before it existed end here.
                if (r.BaseStream.Position + 8 <= r.BaseStream.Length)
                {
                    long cap = r.ReadInt64();
                    e.AbsoluteExpires = cap > 0 ? new DateTimeOffset(cap, TimeSpan.Zero) : (DateTimeOffset?)null;
                }
                // Then the key parts; meta files written before they were recorded end at the cap.
                if (r.BaseStream.Position < r.BaseStream.Length)
                {
                    var parts = r.ReadString();
                    e.KeyParts = parts.Length > 0 ? parts : null;
                }
            }
            catch (EndOfStreamException)
            {
                // A damaged meta file: the entry keeps no tags and no retention.
            }
        }

        private void WriteMeta(string dir, CacheEntry e)
        {
            if (e.Tags.Count == 0 && !e.StaleUntil.HasValue && !e.AbsoluteExpires.HasValue && e.KeyParts == null)
            {
                try { File.Delete(Path.Combine(dir, MetaName)); } catch (DirectoryNotFoundException) { }
                return;
            }
            WriteAtomically(dir, MetaName, out _, fs =>
            {
                var w = new BinaryWriter(fs, Encoding.UTF8);
                w.Write(e.Created.UtcTicks);
                w.Write(e.StaleUntil?.UtcTicks ?? 0L);
                w.Write(e.Tags.Count);
                foreach (var t in e.Tags) w.Write(t);
                w.Write(e.AbsoluteExpires?.UtcTicks ?? 0L);
                w.Write(e.KeyParts ?? string.Empty);
                w.Flush();
            });
            foreach (var tag in e.Tags)
            {
                var tagDir = TagDirectory(tag);
                Directory.CreateDirectory(tagDir);
                UnixPermissions.Set(_tagRoot, UnixPermissions.OwnerOnlyDirectory);
                UnixPermissions.Set(tagDir, UnixPermissions.OwnerOnlyDirectory);
                var marker = Path.Combine(tagDir, e.Key);
                if (File.Exists(marker)) continue;
                using (File.Create(marker)) { }
                UnixPermissions.Set(marker, UnixPermissions.OwnerOnlyFile); // every file of a store is 0600
            }
        }

        private static void WriteAccess(string dir, CacheEntry e)
        {
            try
            {
                WriteAtomically(dir, AccessName, out _, fs =>
                {
                    var w = new BinaryWriter(fs);
                    w.Write(e.Created.UtcTicks);
                    w.Write(e.LastAccess.UtcTicks);
                    w.Write(e.Hits);
                    w.Write(e.Expires?.UtcTicks ?? NoExpiry);
                    w.Write(e.WriteSequence);
                    w.Write(e.AccessSequence);
                    w.Flush();
                });
            }
            catch (DirectoryNotFoundException)
            {
                // Removed meanwhile: the read metadata has nothing left to describe.
            }
        }
    }
}
