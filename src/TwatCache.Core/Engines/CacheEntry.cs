using System;
using System.Collections.Generic;
using System.Threading;

namespace TwatCache.Engines
{
    /// <summary>
    /// One stored result with its metadata. Memory engines keep <see cref="Value"/> (the live object);
    /// persistent engines keep <see cref="Payload"/> (serialized bytes tagged with <see cref="Format"/>).
    /// </summary>
    internal sealed class CacheEntry
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

        /// <summary>
        /// With a <see cref="Sliding"/> lifetime, the absolute limit (UTC) that no read extends: a sliding entry
        /// written with a TTL too expires at whichever comes first. Null when there is none.
        /// </summary>
        public DateTimeOffset? AbsoluteExpires { get; set; }

        /// <summary>Last read or write (UTC).</summary>
        public DateTimeOffset LastAccess { get; set; }

        /// <summary>
        /// Where the entry's write falls in the store's sequence (a counter shared by the store's processes):
        /// FIFO eviction order, exact where clock times tie. 0 when unknown (entries of older versions).
        /// </summary>
        public long WriteSequence { get; set; }

        /// <summary>
        /// Where the entry's last recorded read or write falls in the store's sequence: LRU eviction order
        /// (and LFU's tie-break), exact where clock times tie. 0 when unknown.
        /// </summary>
        public long AccessSequence { get; set; }

        /// <summary>Number of reads served from this entry.</summary>
        public long Hits { get => Interlocked.Read(ref _hits); set => Interlocked.Exchange(ref _hits, value); }

        /// <summary>Size in bytes of the payload (estimated for live values).</summary>
        public long SizeBytes { get; set; }

        /// <summary>A short human label: the first line of a script block, or the explicit key.</summary>
        public string? Label { get; set; }

        /// <summary>The names and hashes of the parts the key was built from (opaque; see <see cref="CacheEntryOptions.KeyParts"/>); null for none.</summary>
        public string? KeyParts { get; set; }

        /// <summary>
        /// Fail-safe retention: until this time (UTC) an expired entry stays in the store so that a failed
        /// refresh can serve it; null when the entry is dropped as soon as it expires.
        /// </summary>
        public DateTimeOffset? StaleUntil { get; set; }

        /// <summary>Tags of the entry (lower case, distinct); empty when it has none. <c>RemoveByTag</c> removes by them.</summary>
        public IReadOnlyList<string> Tags { get; set; } = Array.Empty<string>();

        /// <summary>True when the entry has expired at <paramref name="now"/>.</summary>
        public bool IsExpiredAt(DateTimeOffset now) => Expires.HasValue && now >= Expires.Value;

        /// <summary>True while the store must keep the entry: not expired, or expired but inside its fail-safe retention.</summary>
        public bool IsRetainedAt(DateTimeOffset now)
            => !IsExpiredAt(now) || (StaleUntil.HasValue && now < StaleUntil.Value);

        /// <summary>When the store may drop the entry: the later of its expiry and its fail-safe retention; null for never.</summary>
        public DateTimeOffset? RetainUntil
            => Expires.HasValue && StaleUntil.HasValue && StaleUntil.Value > Expires.Value ? StaleUntil : Expires;

        /// <summary>True when the entry carries <paramref name="tag"/> (compared without case).</summary>
        public bool HasTag(string tag)
        {
            foreach (var t in Tags)
            {
                if (string.Equals(t, tag, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }

        /// <summary>Records a read: bumps the hit count, the access time and a sliding expiry.</summary>
        public void Touch(DateTimeOffset now)
        {
            Interlocked.Increment(ref _hits);
            LastAccess = now;
            if (Sliding.HasValue) Expires = Policies.Lifetime.Earliest(Policies.Lifetime.ExpiryAfter(now, Sliding.Value), AbsoluteExpires);
        }

        /// <summary>A copy of the metadata without value or payload, for listings.</summary>
        public CacheEntry MetadataOnly() => new CacheEntry(Key)
        {
            Format = Format, Created = Created, Expires = Expires, Sliding = Sliding, AbsoluteExpires = AbsoluteExpires,
            LastAccess = LastAccess, Hits = Hits, SizeBytes = SizeBytes, Label = Label, KeyParts = KeyParts,
            StaleUntil = StaleUntil, Tags = Tags, WriteSequence = WriteSequence, AccessSequence = AccessSequence,
        };
    }
}
