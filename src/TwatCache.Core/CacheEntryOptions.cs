using System;

namespace TwatCache
{
    /// <summary>Per-entry settings for a write; null members fall back to the context's options.</summary>
    public sealed class CacheEntryOptions
    {
        /// <summary>Absolute lifetime from the write.</summary>
        public TimeSpan? Ttl { get; set; }

        /// <summary>Lifetime renewed by each read.</summary>
        public TimeSpan? SlidingTtl { get; set; }

        /// <summary>Short human label shown in entry listings.</summary>
        public string? Label { get; set; }
    }
}
