using System;

namespace TwatCache
{
    /// <summary>A snapshot of one context's counters and store size.</summary>
    public sealed class CacheStats
    {
        /// <summary>Context name.</summary>
        public string Context { get; set; } = string.Empty;

        /// <summary>Engine name (e.g. "Memory+LiteDb").</summary>
        public string Engine { get; set; } = string.Empty;

        /// <summary>Entries in the store.</summary>
        public long Entries { get; set; }

        /// <summary>Payload bytes in the store.</summary>
        public long SizeBytes { get; set; }

        /// <summary>Reads answered from the cache.</summary>
        public long Hits { get; set; }

        /// <summary>Reads that found nothing usable.</summary>
        public long Misses { get; set; }

        /// <summary>Hits / (hits + misses), 0 when nothing was read.</summary>
        public double HitRate => Hits + Misses == 0 ? 0 : (double)Hits / (Hits + Misses);

        /// <summary>Entries removed to respect size limits.</summary>
        public long Evictions { get; set; }

        /// <summary>Failed refreshes answered with a stale entry (fail-safe), in this process.</summary>
        public long StaleServed { get; set; }

        /// <summary>Where the store lives, or null for memory.</summary>
        public string? Path { get; set; }

        /// <summary>When counting started (context creation).</summary>
        public DateTimeOffset Since { get; set; }
    }
}
