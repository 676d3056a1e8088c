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
    internal sealed class FileEngine : ICacheEngine, ICrossProcessLocking, IAccessRecorder
    {
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
            FileEntryFormat.WriteAccess(dir, entry);
            return entry;
        }

        /// <inheritdoc />
        public void RecordAccess(string key, DateTimeOffset now) => RetryOnRace(() =>
        {
            var dir = EntryDirectory(key);
            var entry = FileEntryFormat.ReadMetadata(dir);
            if (entry == null) return false;
            entry.Hits++;
            entry.LastAccess = now;
            entry.AccessSequence = _sequence.Next();
            FileEntryFormat.WriteAccess(dir, entry);
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
                bytes = File.ReadAllBytes(Path.Combine(dir, FileEntryFormat.DataName));
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return null;
            }
            var entry = FileEntryFormat.Parse(key, bytes, withPayload: true);
            if (entry == null)
            {
                DeleteDirectory(dir);
                return null;
            }
            FileEntryFormat.ApplyAccess(entry, dir);
            FileEntryFormat.ApplyMeta(entry, dir);
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
                    var created = FileEntryFormat.ReadCreated(dir);
                    // The marker may be older than the entry's last rewrite: trust the entry's own meta file.
                    if (created.HasValue)
                    {
                        meta.Created = created.Value;
                        FileEntryFormat.ApplyMeta(meta, dir);
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
                    FileEntryFormat.WriteAtomically(dir, FileEntryFormat.DataName, out var temp, fs => FileEntryFormat.WriteData(fs, entry));
                    FileEntryFormat.WriteAccess(dir, entry);
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
        public int PurgeSome(DateTimeOffset now) => RemoveExpiredAmong(EntryDirectories().Take(PurgeScan), now);

        private static int RemoveExpiredAmong(IEnumerable<string> dirs, DateTimeOffset now)
        {
            int removed = 0;
            foreach (var dir in dirs)
            {
                var e = FileEntryFormat.ReadMetadata(dir);
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
        public int RemoveExpired(DateTimeOffset now) => RemoveExpiredAmong(EntryDirectories().ToList(), now);

        /// <inheritdoc />
        public IReadOnlyList<CacheEntry> List()
        {
            var list = new List<CacheEntry>();
            foreach (var dir in EntryDirectories())
            {
                var e = FileEntryFormat.ReadMetadata(dir);
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
                var e = FileEntryFormat.ReadMetadata(dir);
                if (e == null) continue;
                count++;
                bytes += e.SizeBytes;
                try { fileBytes += new FileInfo(Path.Combine(dir, FileEntryFormat.DataName)).Length; } catch (IOException) { }
            }
            return new StoreSummary(count, bytes, fileBytes);
        }

        /// <inheritdoc />
        public void Dispose() { }

        // The meta file, then a marker per tag in the tag index.
        private void WriteMeta(string dir, CacheEntry e)
        {
            FileEntryFormat.WriteMeta(dir, e);
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

    }
}
