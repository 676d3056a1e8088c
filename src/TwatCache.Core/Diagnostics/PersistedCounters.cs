using System;
using System.IO;
using System.Text.Json;
using System.Threading;
using TwatCache.Storage;

namespace TwatCache.Diagnostics
{
    /// <summary>
    /// A running total of a persistent store's hits, misses and evictions across processes, kept in a
    /// small JSON file beside the store (<c>&lt;root&gt;/&lt;name&gt;.stats.json</c>). This process adds what
    /// it counted since its last flush, on <see cref="Flush"/>, every flush interval and on dispose.
    /// Writes go to a temporary name and are renamed over the file under an exclusive lock file, so
    /// readers never see half a file and two processes flushing at once both count.
    /// </summary>
    internal sealed class PersistedCounters : IDisposable
    {
        private static readonly TimeSpan LockWait = TimeSpan.FromSeconds(5);
        private readonly CacheCounters _live;
        private readonly object _gate = new object();
        private readonly Timer? _timer;
        private readonly DateTimeOffset _since;
        private long _flushedHits, _flushedMisses, _flushedEvictions;
        private Snapshot? _lastRead;
        private int _disposed;

        /// <summary>
        /// Tracks <paramref name="live"/> (counting since <paramref name="since"/>) into
        /// <paramref name="filePath"/>; a positive <paramref name="flushInterval"/> also flushes on a timer.
        /// </summary>
        public PersistedCounters(string filePath, CacheCounters live, DateTimeOffset since, TimeSpan flushInterval)
        {
            _since = since;
            FilePath = Path.GetFullPath(filePath ?? throw new ArgumentNullException(nameof(filePath)));
            _live = live ?? throw new ArgumentNullException(nameof(live));
            if (flushInterval > TimeSpan.Zero) _timer = new Timer(_ => SafeFlush(), null, flushInterval, flushInterval);
        }

        /// <summary>The stats file.</summary>
        public string FilePath { get; }

        /// <summary>The file beside a store named <paramref name="name"/> under <paramref name="root"/>.</summary>
        public static string PathFor(string root, string name) => Path.Combine(root, name + ".stats.json");

        /// <summary>
        /// Sets the counters of <paramref name="stats"/> to the persisted totals plus what this process
        /// counted and has not flushed yet; <see cref="CacheStats.Since"/> becomes when counting first started.
        /// </summary>
        public void ApplyTo(CacheStats stats)
        {
            if (stats == null) throw new ArgumentNullException(nameof(stats));
            lock (_gate)
            {
                // Read under the gate: a flush in between would otherwise count this process's share twice or not at all.
                var saved = ReadFile() ?? _lastRead;
                stats.Hits = (saved?.Hits ?? 0) + _live.Hits - _flushedHits;
                stats.Misses = (saved?.Misses ?? 0) + _live.Misses - _flushedMisses;
                stats.Evictions = (saved?.Evictions ?? 0) + _live.Evictions - _flushedEvictions;
                if (saved != null && saved.Since < stats.Since) stats.Since = saved.Since;
            }
        }

        /// <summary>
        /// Adds this process's unflushed counts to the file. Does nothing when there is nothing to add or
        /// the directory is gone (a removed cache root is not recreated for statistics).
        /// </summary>
        public void Flush()
        {
            lock (_gate)
            {
                long hits = _live.Hits, misses = _live.Misses, evictions = _live.Evictions;
                long dh = hits - _flushedHits, dm = misses - _flushedMisses, de = evictions - _flushedEvictions;
                if (dh == 0 && dm == 0 && de == 0) return;
                var dir = Path.GetDirectoryName(FilePath);
                if (string.IsNullOrEmpty(dir) || !Directory.Exists(dir)) return;
                using (AcquireFileLock())
                {
                    var current = ReadFile() ?? new Snapshot { Since = _since };
                    current.Hits += dh;
                    current.Misses += dm;
                    current.Evictions += de;
                    current.Updated = DateTimeOffset.UtcNow;
                    WriteFile(current);
                    _lastRead = current;
                }
                _flushedHits = hits;
                _flushedMisses = misses;
                _flushedEvictions = evictions;
            }
        }

        /// <summary>Stops the timer and flushes once more (best effort).</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _timer?.Dispose();
            SafeFlush();
        }

        // Statistics must never break caching: a flush that fails is retried at the next one.
        private void SafeFlush()
        {
            try { Flush(); }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is TimeoutException) { }
        }

        private Snapshot? ReadFile()
        {
            try
            {
                if (!File.Exists(FilePath)) return null;
                var snapshot = JsonSerializer.Deserialize<Snapshot>(File.ReadAllBytes(FilePath));
                return snapshot;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is JsonException)
            {
                return null;
            }
        }

        private void WriteFile(Snapshot snapshot)
        {
            var temp = FilePath + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(snapshot));
                UnixPermissions.Set(temp, UnixPermissions.OwnerOnlyFile);
                ReplaceFile(temp, FilePath);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        // netstandard2.0 has no File.Move(overwrite); File.Replace needs an existing target.
        private static void ReplaceFile(string source, string target)
        {
            if (File.Exists(target)) File.Replace(source, target, null);
            else File.Move(source, target);
        }

        // An exclusively opened lock file: .NET takes an advisory lock on Unix and a share lock on Windows,
        // and the OS drops it when a process dies, so a crashed flusher never blocks the others.
        private IDisposable AcquireFileLock()
        {
            var lockPath = FilePath + ".lock";
            var deadline = DateTime.UtcNow + LockWait;
            while (true)
            {
                try
                {
                    var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    UnixPermissions.Set(lockPath, UnixPermissions.OwnerOnlyFile);
                    return stream;
                }
                // Only a file held by another flusher is worth waiting for; a vanished directory is not.
                catch (IOException ex) when (!(ex is DirectoryNotFoundException) && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(10);
                }
            }
        }

        /// <summary>The file's content.</summary>
        private sealed class Snapshot
        {
            public long Hits { get; set; }
            public long Misses { get; set; }
            public long Evictions { get; set; }
            public DateTimeOffset Since { get; set; }
            public DateTimeOffset Updated { get; set; }
        }
    }
}
