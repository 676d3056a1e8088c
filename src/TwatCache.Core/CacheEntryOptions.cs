using System;
using System.Collections.Generic;

namespace TwatCache
{
    /// <summary>Per-entry settings for a write; null members fall back to the context's options.</summary>
    public sealed class CacheEntryOptions
    {
        /// <summary>
        /// Absolute lifetime from the write; with <see cref="SlidingTtl"/> the entry expires at whichever comes
        /// first. A lifetime that would end past year 9999 (<see cref="TimeSpan.MaxValue"/>) means never expires.
        /// </summary>
        public TimeSpan? Ttl { get; set; }

        /// <summary>
        /// Absolute expiry (a fixed time rather than a lifetime from the write); replaces <see cref="Ttl"/> when
        /// set. With <see cref="SlidingTtl"/> the entry expires at whichever comes first.
        /// </summary>
        public DateTimeOffset? ExpiresAt { get; set; }

        /// <summary>Lifetime renewed by each read (never past <see cref="Ttl"/> when both are set).</summary>
        public TimeSpan? SlidingTtl { get; set; }

        /// <summary>Short human label shown in entry listings.</summary>
        public string? Label { get; set; }

        /// <summary>
        /// Names of the parts the entry's key was built from, with a hash per part (opaque to the core: the
        /// PowerShell layer writes and reads it to explain misses). Stored beside <see cref="Label"/>; null for none.
        /// </summary>
        public string? KeyParts { get; set; }

        /// <summary>
        /// Fail-safe: keep the entry past its expiry (up to <see cref="MaxStale"/> after it was written), and
        /// when a refresh fails serve it instead of the error. Null uses <see cref="CacheOptions.FailSafe"/>.
        /// </summary>
        public bool? FailSafe { get; set; }

        /// <summary>How old (since written) a stale entry may be and still be served by fail-safe; null uses <see cref="CacheOptions.MaxStale"/>.</summary>
        public TimeSpan? MaxStale { get; set; }

        /// <summary>Tags of the entry (compared without case, stored in lower case); <see cref="CacheContext.RemoveByTag"/> removes by them.</summary>
        public IReadOnlyList<string>? Tags { get; set; }
    }
}
