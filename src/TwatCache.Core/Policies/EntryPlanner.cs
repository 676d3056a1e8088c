using System;
using TwatCache.Engines;

namespace TwatCache.Policies
{
    /// <summary>
    /// The metadata of a new entry from its entry options and the context's defaults: lifetimes, fail-safe
    /// retention, label, key parts and tags.
    /// </summary>
    internal sealed class EntryPlanner
    {
        private readonly CacheOptions _options;
        private readonly int _format;

        public EntryPlanner(CacheOptions options, int format)
        {
            _options = options;
            _format = format;
        }

        /// <summary>True when writes and reads with <paramref name="entryOptions"/> use fail-safe.</summary>
        public bool IsFailSafe(CacheEntryOptions? entryOptions) => entryOptions?.FailSafe ?? _options.FailSafe;

        /// <summary>The fail-safe age limit for <paramref name="entryOptions"/>: its own, else the context's, else one day.</summary>
        public TimeSpan MaxStaleOf(CacheEntryOptions? entryOptions)
            => entryOptions?.MaxStale ?? _options.MaxStale ?? CacheOptions.DefaultMaxStale;

        /// <summary>
        /// Lifetimes from the entry options, else the context defaults. With both a TTL and a sliding TTL the
        /// entry expires at whichever comes first; a lifetime past year 9999 is never.
        /// </summary>
        public CacheEntry NewEntry(string hash, CacheEntryOptions? entryOptions, DateTimeOffset now)
        {
            bool own = entryOptions?.Ttl != null || entryOptions?.SlidingTtl != null || entryOptions?.ExpiresAt != null;
            var ttl = own ? entryOptions!.Ttl : _options.DefaultTtl;
            var sliding = own ? entryOptions!.SlidingTtl : _options.SlidingTtl;
            var absolute = entryOptions?.ExpiresAt ?? (ttl.HasValue ? Lifetime.ExpiryAfter(now, ttl.Value) : null);
            var entry = new CacheEntry(hash)
            {
                Created = now,
                LastAccess = now,
                Sliding = sliding,
                AbsoluteExpires = sliding.HasValue ? absolute : null,
                Expires = sliding.HasValue ? Lifetime.Earliest(Lifetime.ExpiryAfter(now, sliding.Value), absolute) : absolute,
                Label = Shorten(entryOptions?.Label),
                KeyParts = entryOptions?.KeyParts,
                Format = _format,
                Tags = TagRules.Normalize(entryOptions?.Tags),
            };
            entry.StaleUntil = StaleUntilFor(entryOptions, now, entry.Expires);
            return entry;
        }

        /// <summary>A copy with <paramref name="key"/> as default label and the tags checked now, so bad tags fail before the factory runs.</summary>
        public static CacheEntryOptions WithLabel(CacheEntryOptions o, string key) => new CacheEntryOptions
        {
            Ttl = o.Ttl, ExpiresAt = o.ExpiresAt, SlidingTtl = o.SlidingTtl, Label = o.Label ?? key, FailSafe = o.FailSafe, MaxStale = o.MaxStale,
            KeyParts = o.KeyParts, Tags = TagRules.Normalize(o.Tags),
        };

        // Fail-safe entries stay until MaxStale after their write, when that is later than their expiry.
        private DateTimeOffset? StaleUntilFor(CacheEntryOptions? entryOptions, DateTimeOffset created, DateTimeOffset? expires)
        {
            if (!expires.HasValue || !IsFailSafe(entryOptions)) return null;
            var until = Lifetime.SaturatedAdd(created, MaxStaleOf(entryOptions));
            return until > expires.Value ? until : (DateTimeOffset?)null;
        }

        private static string? Shorten(string? label)
        {
            if (label == null) return null;
            var firstLine = label.Trim().Split('\n')[0].TrimEnd('\r');
            return firstLine.Length <= 120 ? firstLine : firstLine.Substring(0, 117) + "...";
        }
    }
}
