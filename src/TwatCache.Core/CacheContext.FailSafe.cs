using System;
using Microsoft.Extensions.Logging;
using TwatCache.Engines;
using TwatCache.Policies;

namespace TwatCache
{
    /// <summary>Fail-safe (serving a stale entry when a refresh fails) and removal by tag.</summary>
    public sealed partial class CacheContext
    {
        private static readonly Action<ILogger, string, string, TimeSpan, Exception?> StaleServedMessage =
            LoggerMessage.Define<string, string, TimeSpan>(LogLevel.Warning, new EventId(6, "CacheStaleServed"),
                "Refresh of {Key} in context '{Context}' failed; served the stale entry written {Age} ago (fail-safe).");

        /// <summary>
        /// Looks up a hashed key for fail-safe use: the entry may have expired, but it must still be kept by
        /// the store and have been written less than <paramref name="maxStale"/> ago. On success counts
        /// <see cref="CacheStats.StaleServed"/> (the caller is about to serve it) and returns the entry's
        /// metadata in <paramref name="entry"/> (its <see cref="CacheEntry.Created"/> says how old it is).
        /// </summary>
        public bool TryGetStaleByHash(string hash, Type type, TimeSpan maxStale, out object? value, out CacheEntry? entry)
        {
            ThrowIfDisposed();
            var now = _clock();
            value = null;
            entry = null;
            var live = _memory?.GetStale(hash, now);
            if (live != null && now - live.Created < maxStale && IsOfType(live.Value, type))
            {
                value = live.Value;
                entry = live.MetadataOnly();
            }
            else
            {
                var store = _store;
                var stored = store == null ? null : OnStore(store, s => s.GetStale(hash, now), null);
                if (stored == null || now - stored.Created >= maxStale || !TryDecode(store!, stored, type, out value)) return false;
                entry = stored.MetadataOnly();
            }
            Counters.ServedStale();
            if (Options.Logger != null) StaleServedMessage(Options.Logger, hash, Name, now - entry.Created, null);
            return true;
        }

        /// <summary>True when writes and reads with <paramref name="entryOptions"/> use fail-safe.</summary>
        public bool IsFailSafe(CacheEntryOptions? entryOptions) => entryOptions?.FailSafe ?? Options.FailSafe;

        /// <summary>The fail-safe age limit for <paramref name="entryOptions"/>: its own, else the context's, else one day.</summary>
        public TimeSpan MaxStaleOf(CacheEntryOptions? entryOptions)
            => entryOptions?.MaxStale ?? Options.MaxStale ?? CacheOptions.DefaultMaxStale;

        /// <summary>
        /// Returns the cached value of <paramref name="key"/>, or runs <paramref name="factory"/> once and caches
        /// its result with <paramref name="entryOptions"/> (TTL, tags, fail-safe). With fail-safe, a factory that
        /// throws while a stale entry younger than the MaxStale limit is kept answers that entry instead.
        /// </summary>
        public T GetOrAdd<T>(string key, Func<T> factory, CacheEntryOptions entryOptions)
        {
            if (factory == null) throw new ArgumentNullException(nameof(factory));
            if (entryOptions == null) throw new ArgumentNullException(nameof(entryOptions));
            return GetOrAddByHash(HashKey(key), factory, WithLabel(entryOptions, key));
        }

        /// <summary>Removes every entry tagged <paramref name="tag"/> from every layer; returns how many the store (or memory) held.</summary>
        /// <remarks>Stores find tagged entries through their tag index (LiteDB multikey index, File tag directories, Redis sets); payloads are not read.</remarks>
        public int RemoveByTag(string tag)
        {
            ThrowIfDisposed();
            var normalized = TagRules.Normalize(tag);
            int inMemory = _memory?.RemoveByTag(normalized) ?? 0;
            _sharedMemory?.RemoveByTag(normalized);
            var store = _store;
            return store != null ? OnStore(store, s => s.RemoveByTag(normalized), inMemory) : inMemory;
        }

        // A copy with the key as default label and the tags checked now, so bad tags fail before the factory runs.
        private static CacheEntryOptions WithLabel(CacheEntryOptions o, string key) => new CacheEntryOptions
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

        // A failure worth answering with a stale entry: not a cancellation.
        private bool TryServeStale<T>(Exception ex, string hash, CacheEntryOptions? entryOptions, out T value)
        {
            value = default!;
            if (ex is OperationCanceledException || !IsFailSafe(entryOptions)) return false;
            if (!TryGetStaleByHash(hash, typeof(T), MaxStaleOf(entryOptions), out var stale, out _)) return false;
            value = (T)stale!;
            return true;
        }
    }
}
