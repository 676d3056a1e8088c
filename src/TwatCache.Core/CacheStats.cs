using System;

namespace TwatCache
{
    /// <summary>A snapshot of one context's counters and store size.</summary>
    public sealed class CacheStats
    {
        /// <summary>Context name.</summary>
        public string Context { get; set; } = string.Empty;

        /// <summary>Engine name (e.g. "Memory+LiteDb+File").</summary>
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

        /// <summary>The persistent store (a LiteDB file, a File directory, a Redis prefix), or null for memory.</summary>
        public string? StorePath { get; set; }

        /// <summary>Same as <see cref="StorePath"/> (the name scripts used first).</summary>
        public string? Path { get => StorePath; set => StorePath = value; }

        /// <summary>When counting started (context creation).</summary>
        public DateTimeOffset Since { get; set; }
    }
}
