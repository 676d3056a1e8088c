using System;
using System.Collections.Generic;
using TwatCache.Engines;

namespace TwatCache
{
    /// <summary>What a listing shows of one cache entry: its key hash, label, size, times and hits (never its value).</summary>
    public sealed class CacheEntryInfo
    {
        /// <summary>Builds the listing row of <paramref name="entry"/> as seen by <paramref name="context"/> at <paramref name="now"/>.</summary>
        internal CacheEntryInfo(CacheContext context, CacheEntry entry, DateTimeOffset now)
        {
            if (context == null) throw new ArgumentNullException(nameof(context));
            if (entry == null) throw new ArgumentNullException(nameof(entry));
            Context = context.Name;
            Engine = context.EngineName;
            Key = entry.Key;
            Label = entry.Label ?? string.Empty;
            SizeBytes = entry.SizeBytes;
            Created = entry.Created;
            Expires = entry.Expires;
            LastAccess = entry.LastAccess;
            Hits = entry.Hits;
            IsExpired = entry.IsExpiredAt(now);
            IsStale = IsExpired && entry.IsRetainedAt(now);
            StaleUntil = entry.StaleUntil;
            Tags = entry.Tags;
            KeyParts = entry.KeyParts;
        }

        /// <summary>Name of the context that holds the entry.</summary>
        public string Context { get; }

        /// <summary>The hashed key (32 hex characters); <c>Clear-Cache -Key</c> accepts it.</summary>
        public string Key { get; }

        /// <summary>First line of the cached script block, or the explicit key.</summary>
        public string Label { get; }

        /// <summary>Engine(s) of the context, e.g. "Memory+LiteDb+File".</summary>
        public string Engine { get; }

        /// <summary>Size of the stored payload (0 for live objects in memory).</summary>
        public long SizeBytes { get; }

        /// <summary>When the entry was written (UTC).</summary>
        public DateTimeOffset Created { get; }

        /// <summary>When it stops being valid (UTC), or null for never.</summary>
        public DateTimeOffset? Expires { get; }

        /// <summary>Last read or write (UTC).</summary>
        public DateTimeOffset LastAccess { get; }

        /// <summary>Reads served from the entry.</summary>
        public long Hits { get; }

        /// <summary>True when the entry had expired when it was listed (it is purged on the next read or prune).</summary>
        public bool IsExpired { get; }

        /// <summary>True when the entry has expired but is kept for fail-safe: a failed refresh may still serve it.</summary>
        public bool IsStale { get; }

        /// <summary>Fresh, Stale (expired, kept for fail-safe) or Expired.</summary>
        public string State => IsStale ? "Stale" : IsExpired ? "Expired" : "Fresh";

        /// <summary>Until when (UTC) the entry is kept for fail-safe after it expires, or null.</summary>
        public DateTimeOffset? StaleUntil { get; }

        /// <summary>The entry's tags (lower case).</summary>
        public IReadOnlyList<string> Tags { get; }

        /// <summary>The names (and a hash each) of the parts the key was built from, one per line; null when the writer recorded none.</summary>
        public string? KeyParts { get; }
    }
}
