using System;
using System.Threading;

namespace TwatCache.Engines
{
    /// <summary>
    /// One stored result with its metadata. Memory engines keep <see cref="Value"/> (the live object);
    /// persistent engines keep <see cref="Payload"/> (serialized bytes tagged with <see cref="Format"/>).
    /// </summary>
    public sealed class CacheEntry
    {
        private long _hits;

        /// <summary>Creates an entry for a hashed key.</summary>
        public CacheEntry(string key) => Key = key ?? throw new ArgumentNullException(nameof(key));

        /// <summary>The hashed key (32 hex characters).</summary>
        public string Key { get; }

        /// <summary>The live value, for engines that store objects.</summary>
        public object? Value { get; set; }

        /// <summary>The serialized value, for engines that store bytes.</summary>
        public byte[]? Payload { get; set; }

        /// <summary>The serializer format of <see cref="Payload"/>; a reader with another format treats the entry as a miss.</summary>
        public int Format { get; set; }

        /// <summary>When the entry was written (UTC).</summary>
        public DateTimeOffset Created { get; set; }

        /// <summary>When the entry stops being valid (UTC), or null for never.</summary>
        public DateTimeOffset? Expires { get; set; }

        /// <summary>Sliding lifetime: each read moves <see cref="Expires"/> to now plus this.</summary>
        public TimeSpan? Sliding { get; set; }

        /// <summary>Last read or write (UTC).</summary>
        public DateTimeOffset LastAccess { get; set; }

        /// <summary>Number of reads served from this entry.</summary>
        public long Hits { get => Interlocked.Read(ref _hits); set => Interlocked.Exchange(ref _hits, value); }

        /// <summary>Size in bytes of the payload (estimated for live values).</summary>
        public long SizeBytes { get; set; }

        /// <summary>A short human label: the first line of a script block, or the explicit key.</summary>
        public string? Label { get; set; }

        /// <summary>True when the entry has expired at <paramref name="now"/>.</summary>
        public bool IsExpiredAt(DateTimeOffset now) => Expires.HasValue && now >= Expires.Value;

        /// <summary>Records a read: bumps the hit count, the access time and a sliding expiry.</summary>
        public void Touch(DateTimeOffset now)
        {
            Interlocked.Increment(ref _hits);
            LastAccess = now;
            if (Sliding.HasValue) Expires = now + Sliding.Value;
        }

        /// <summary>A copy of the metadata without value or payload, for listings.</summary>
        public CacheEntry MetadataOnly() => new CacheEntry(Key)
        {
            Format = Format, Created = Created, Expires = Expires, Sliding = Sliding,
            LastAccess = LastAccess, Hits = Hits, SizeBytes = SizeBytes, Label = Label,
        };
    }
}
