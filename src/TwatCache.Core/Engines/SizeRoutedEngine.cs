using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using TwatCache.Locking;

namespace TwatCache.Engines
{
    /// <summary>
    /// The persistent half of Auto: payloads up to a threshold go to a small-value engine (LiteDb), larger
    /// ones to a large-value engine (File). Reads try the small engine first. A rewrite that changes size
    /// class removes the old copy from the other engine. Locks come from the small engine.
    /// </summary>
    internal sealed class SizeRoutedEngine : ICacheEngine, ICrossProcessLocking, IBatchWritable, IAccessRecorder, IFamilyReader
    {
        private readonly ICacheEngine _small, _large;
        private readonly int _threshold;

        /// <summary>Routes payloads longer than <paramref name="threshold"/> bytes to <paramref name="large"/>.</summary>
        public SizeRoutedEngine(ICacheEngine small, ICacheEngine large, int threshold)
        {
            _small = small ?? throw new ArgumentNullException(nameof(small));
            _large = large ?? throw new ArgumentNullException(nameof(large));
            _threshold = threshold;
        }

        /// <inheritdoc />
        /// <remarks>Both halves ("LiteDb+File"), so Auto's stats and entries say "Memory+LiteDb+File": what it really uses.</remarks>
        public string Name => _small.Name + "+" + _large.Name;

        /// <inheritdoc />
        public bool StoresObjects => false;

        /// <inheritdoc />
        public string? Location => _small.Location;

        /// <inheritdoc />
        public IDisposable? AcquireLock(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
            => _small is ICrossProcessLocking l ? l.AcquireLock(key, timeout, cancellationToken) : null;

        /// <inheritdoc />
        public CacheEntry? Get(string key, DateTimeOffset now) => _small.Get(key, now) ?? _large.Get(key, now);

        /// <inheritdoc />
        public CacheEntry? GetStale(string key, DateTimeOffset now) => _small.GetStale(key, now) ?? _large.GetStale(key, now);

        /// <inheritdoc />
        /// <remarks>The entry lives in one of the two engines; the other finds nothing and does nothing.</remarks>
        public void RecordAccess(string key, DateTimeOffset now)
        {
            (_small as IAccessRecorder)?.RecordAccess(key, now);
            (_large as IAccessRecorder)?.RecordAccess(key, now);
        }

        /// <inheritdoc />
        /// <remarks>The small engine's part only: large payloads stay point reads (few, and each one a file anyway).</remarks>
        public bool AllowsReadAhead => _small is IFamilyReader r && r.AllowsReadAhead;

        /// <inheritdoc />
        /// <remarks>Only entries the small engine holds: the family's large ones are read one by one.</remarks>
        public IReadOnlyList<CacheEntry> ReadFamily(string prefix, DateTimeOffset now, long byteBudget)
            => ((IFamilyReader)_small).ReadFamily(prefix, now, byteBudget);

        /// <inheritdoc />
        public bool ReadNeedsRecording(CacheEntry entry, DateTimeOffset now) => ((IFamilyReader)_small).ReadNeedsRecording(entry, now);

        /// <inheritdoc />
        public void RecordReads(IReadOnlyList<KeyValuePair<string, DateTimeOffset>> reads) => ((IFamilyReader)_small).RecordReads(reads);

        /// <inheritdoc />
        public int RemoveByTag(string tag) => _small.RemoveByTag(tag) + _large.RemoveByTag(tag);

        /// <inheritdoc />
        public void Set(CacheEntry entry)
        {
            bool large = (entry.Payload?.Length ?? 0) > _threshold;
            (large ? _large : _small).Set(entry);
            (large ? _small : _large).Remove(entry.Key);
        }

        /// <inheritdoc />
        public void SetMany(IReadOnlyList<CacheEntry> entries)
        {
            var small = new List<CacheEntry>();
            foreach (var entry in entries)
            {
                if ((entry.Payload?.Length ?? 0) > _threshold) Set(entry);
                else small.Add(entry);
            }
            if (_small is IBatchWritable bulk) bulk.SetMany(small);
            else foreach (var entry in small) _small.Set(entry);
            foreach (var entry in small) _large.Remove(entry.Key);
        }

        /// <inheritdoc />
        public bool Remove(string key) => _small.Remove(key) | _large.Remove(key);

        /// <inheritdoc />
        public int Clear() => _small.Clear() + _large.Clear();

        /// <inheritdoc />
        public int RemoveExpired(DateTimeOffset now) => _small.RemoveExpired(now) + _large.RemoveExpired(now);

        /// <inheritdoc />
        public IReadOnlyList<CacheEntry> List() => _small.List().Concat(_large.List()).ToList();

        /// <inheritdoc />
        public StoreSummary Summarize()
        {
            var a = _small.Summarize();
            var b = _large.Summarize();
            return new StoreSummary(a.Entries + b.Entries, a.PayloadBytes + b.PayloadBytes, a.FileBytes + b.FileBytes);
        }

        /// <inheritdoc />
        public void Dispose()
        {
            try { _small.Dispose(); } finally { _large.Dispose(); }
        }
    }
}
