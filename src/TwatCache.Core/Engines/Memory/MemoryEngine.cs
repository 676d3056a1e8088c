using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Caching.Memory;

namespace TwatCache.Engines
{
    /// <summary>
    /// Per-process engine on Microsoft.Extensions.Caching.Memory. Keeps live objects, so a hit costs a
    /// dictionary lookup and no deserialization. Also serves as the L1 layer in front of persistent engines.
    /// </summary>
    internal sealed class MemoryEngine : ICacheEngine
    {
        private readonly MemoryCache _cache;
        private long _writes;
        private long _sequence; // eviction order of this process's entries (see CacheEntry.AccessSequence)

        /// <summary>Creates an empty memory engine; <paramref name="maxEntries"/> caps the entry count when set.</summary>
        public MemoryEngine(long? maxEntries = null)
        {
            var options = new MemoryCacheOptions();
            if (maxEntries.HasValue) options.SizeLimit = maxEntries.Value;
            _cache = new MemoryCache(options);
        }

        /// <inheritdoc />
        public string Name => "Memory";

        /// <summary>Number of entries held (expired ones not yet swept included); cheap.</summary>
        public int Count => _cache.Count;

        /// <inheritdoc />
        public bool StoresObjects => true;

        /// <inheritdoc />
        public string? Location => null;

        /// <inheritdoc />
        public CacheEntry? Get(string key, DateTimeOffset now)
        {
            if (!_cache.TryGetValue(key, out var raw) || raw is not CacheEntry entry) return null;
            if (entry.IsExpiredAt(now))
            {
                if (!entry.IsRetainedAt(now)) _cache.Remove(key);
                return null;
            }
            entry.Touch(now);
            entry.AccessSequence = Interlocked.Increment(ref _sequence);
            return entry;
        }

        /// <inheritdoc />
        public CacheEntry? GetStale(string key, DateTimeOffset now)
        {
            if (!_cache.TryGetValue(key, out var raw) || raw is not CacheEntry entry) return null;
            if (entry.IsRetainedAt(now)) return entry;
            _cache.Remove(key);
            return null;
        }

        /// <inheritdoc />
        /// <remarks>Live entries are in process memory, so the scan reads metadata only.</remarks>
        public int RemoveByTag(string tag)
        {
            int removed = 0;
            foreach (var entry in Snapshot())
            {
                if (entry.HasTag(tag) && Remove(entry.Key)) removed++;
            }
            return removed;
        }

        /// <inheritdoc />
        /// <remarks>
        /// Expiry is decided by the entry's own times (the context's clock), not by MemoryCache's wall clock,
        /// so both layers of a context agree. Expired entries are swept after <see cref="SweepEvery"/> writes, or
        /// after as many writes as there were entries at the last sweep when that is more: a sweep reads every
        /// entry, and a fixed interval made filling a large layer quadratic (100,000 store hits promoted into
        /// it swept 390 times over up to 100,000 entries).
        /// </remarks>
        public void Set(CacheEntry entry)
        {
            entry.WriteSequence = entry.AccessSequence = Interlocked.Increment(ref _sequence);
            _cache.Set(entry.Key, entry, new MemoryCacheEntryOptions { Size = 1 });
            if (Interlocked.Increment(ref _writes) >= Volatile.Read(ref _nextSweep))
            {
                Volatile.Write(ref _nextSweep, long.MaxValue); // one sweeper; the others go on writing
                RemoveExpired(entry.LastAccess);
                Volatile.Write(ref _nextSweep, Interlocked.Read(ref _writes) + Math.Max(SweepEvery, _cache.Count));
            }
        }

        /// <summary>The fewest writes between two sweeps of expired entries.</summary>
        public const int SweepEvery = 256;

        private long _nextSweep = SweepEvery;

        /// <inheritdoc />
        public bool Remove(string key)
        {
            bool existed = _cache.TryGetValue(key, out _);
            _cache.Remove(key);
            return existed;
        }

        /// <inheritdoc />
        public int Clear()
        {
            int count = _cache.Count;
            _cache.Clear();
            return count;
        }

        /// <inheritdoc />
        public int RemoveExpired(DateTimeOffset now)
        {
            int removed = 0;
            foreach (var entry in Snapshot())
            {
                if (!entry.IsRetainedAt(now) && Remove(entry.Key)) removed++;
            }
            return removed;
        }

        /// <inheritdoc />
        public IReadOnlyList<CacheEntry> List()
        {
            var list = new List<CacheEntry>();
            foreach (var entry in Snapshot()) list.Add(entry.MetadataOnly());
            return list;
        }

        /// <inheritdoc />
        public StoreSummary Summarize()
        {
            long count = 0, bytes = 0;
            foreach (var entry in Snapshot())
            {
                count++;
                bytes += entry.SizeBytes;
            }
            return new StoreSummary(count, bytes, 0);
        }

        private IEnumerable<CacheEntry> Snapshot()
        {
            foreach (var key in _cache.Keys)
            {
                if (_cache.TryGetValue(key, out var raw) && raw is CacheEntry entry) yield return entry;
            }
        }

        /// <inheritdoc />
        public void Dispose() => _cache.Dispose();
    }
}
