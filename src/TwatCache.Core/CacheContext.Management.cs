using System;
using System.Collections.Generic;
using TwatCache.Diagnostics;
using TwatCache.Engines;
using TwatCache.Storage;

namespace TwatCache
{
    /// <summary>Management side of a context: persisted statistics and entry listings.</summary>
    public sealed partial class CacheContext
    {
        /// <summary>How often a persistent context adds its counts to the stats file besides on dispose.</summary>
        public static readonly TimeSpan StatsFlushInterval = TimeSpan.FromSeconds(30);

        private PersistedCounters? _persistedCounters;

        /// <summary>The file that keeps this store's running hit/miss totals across processes, or null (memory, temporary, Redis).</summary>
        public string? StatsPath => _persistedCounters?.FilePath;

        /// <summary>Listing rows of the entries of the outermost persistent layer (or of memory), expired ones included.</summary>
        /// <remarks>
        /// Reads served by the memory layer do not reach the store, so an entry that is also in memory shows
        /// the memory layer's (newer) hit count, last access and sliding expiry.
        /// </remarks>
        public IReadOnlyList<CacheEntryInfo> GetEntries()
        {
            var now = Now;
            var live = new Dictionary<string, CacheEntry>(StringComparer.Ordinal);
            if (_memory != null && _store != null)
            {
                foreach (var m in _memory.List()) live[m.Key] = m;
            }
            var rows = new List<CacheEntryInfo>();
            foreach (var entry in ListEntries())
            {
                if (live.TryGetValue(entry.Key, out var m))
                {
                    if (m.Hits > entry.Hits) entry.Hits = m.Hits;
                    if (m.LastAccess > entry.LastAccess) entry.LastAccess = m.LastAccess;
                    if (entry.Sliding.HasValue && m.Expires > entry.Expires) entry.Expires = m.Expires;
                }
                rows.Add(new CacheEntryInfo(this, entry, now));
            }
            return rows;
        }

        /// <summary>Adds this process's unflushed hit/miss counts to the stats file now.</summary>
        public void FlushStats() => _persistedCounters?.Flush();

        partial void OnCreated();

        partial void OnStatsTaken(CacheStats stats);

        partial void OnDisposing();

        // Only stores under the cache root that outlive the process keep a running total.
        partial void OnCreated()
        {
            if (Path == null || Options.Temporary) return;
            if (Options.Engine == CacheEngineKind.Memory || Options.Engine == CacheEngineKind.Redis) return;
            var file = PersistedCounters.PathFor(CacheRoot.Resolve(Options.Root), Name);
            _persistedCounters = new PersistedCounters(file, Counters, Since, StatsFlushInterval);
        }

        partial void OnStatsTaken(CacheStats stats) => _persistedCounters?.ApplyTo(stats);

        partial void OnDisposing() => _persistedCounters?.Dispose();
    }
}
