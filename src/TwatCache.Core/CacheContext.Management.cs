using System;
using System.Collections.Generic;
using TwatCache.Diagnostics;
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
        public IReadOnlyList<CacheEntryInfo> GetEntries()
        {
            var now = Now;
            var rows = new List<CacheEntryInfo>();
            foreach (var entry in ListEntries()) rows.Add(new CacheEntryInfo(this, entry, now));
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
