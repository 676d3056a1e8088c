using System;
using Microsoft.Extensions.Logging;
using TwatCache.Serialization;

namespace TwatCache
{
    /// <summary>Settings of one <see cref="CacheContext"/>.</summary>
    public sealed class CacheOptions
    {
        /// <summary>Context name: letters, digits, '-', '_' and '.'; it names the store and namespaces keys.</summary>
        public string Name { get; set; } = "default";

        /// <summary>The engine; Auto is Memory in front of LiteDb.</summary>
        public CacheEngineKind Engine { get; set; } = CacheEngineKind.Auto;

        /// <summary>Cache root directory; null uses <c>$TWATCACHE_ROOT</c> or the platform cache directory.</summary>
        public string? Root { get; set; }

        /// <summary>
        /// Lifetime of entries written without their own TTL or sliding TTL; null keeps them until cleared.
        /// With <see cref="SlidingTtl"/> too, such entries expire at whichever comes first; past year 9999 is never.
        /// </summary>
        public TimeSpan? DefaultTtl { get; set; }

        /// <summary>When set, entries written without their own TTL or sliding TTL expire after this long without a read.</summary>
        public TimeSpan? SlidingTtl { get; set; }

        /// <summary>Fail-safe for every write and read of the context unless an entry's options say otherwise (see <see cref="CacheEntryOptions.FailSafe"/>).</summary>
        public bool FailSafe { get; set; }

        /// <summary>How old (since written) a stale entry may be and still be served by fail-safe; null is <see cref="DefaultMaxStale"/>.</summary>
        public TimeSpan? MaxStale { get; set; }

        /// <summary>The fail-safe age limit when none is set: one day.</summary>
        public static readonly TimeSpan DefaultMaxStale = TimeSpan.FromDays(1);

        /// <summary>Most entries the context keeps; null for no limit.</summary>
        public long? MaxEntries { get; set; }

        /// <summary>Most payload bytes the context keeps; null for no limit.</summary>
        public long? MaxBytes { get; set; }

        /// <summary>Which entries go first when over a limit.</summary>
        public EvictionPolicy Policy { get; set; } = EvictionPolicy.Lru;

        /// <summary>Serializer for persistent engines; null uses <see cref="JsonCacheSerializer"/>.</summary>
        public ICacheSerializer? Serializer { get; set; }

        /// <summary>Connection string for the Redis engine.</summary>
        public string? ConnectionString { get; set; }

        /// <summary>
        /// HMAC secret of persistent payloads; null uses <c>$TWATCACHE_SECRET</c>, else (local engines) a
        /// per-user key file in the cache root. Entries whose HMAC fails are misses and are deleted.
        /// </summary>
        public string? Secret { get; set; }

        /// <summary>Payloads longer than this many bytes are deflated (when that makes them smaller); -1 never compresses.</summary>
        public int CompressAbove { get; set; } = 4096;

        /// <summary>In the Auto engine, payloads longer than this many bytes go to the File engine instead of LiteDb.</summary>
        public int LargeValueThreshold { get; set; } = 32 * 1024;

        /// <summary>
        /// Stores shared with other contexts of this process: the engine of each store path and the memory
        /// layer come from the set (an Auto context reads through its memory layer; a LiteDb or File context
        /// keeps it in step by dropping what it overwrites or removes). Null: the context opens its own.
        /// </summary>
        internal SharedStores? SharedStores { get; set; }

        /// <summary>
        /// For a memory layer over Redis (<see cref="CacheEngineKind.Auto"/> with a connection string): publish
        /// every write and removal on the context's Redis channel and drop what other processes changed, so no
        /// host keeps serving an entry another host replaced or removed. On by default; the plain Redis engine
        /// has no memory layer and needs none.
        /// </summary>
        public bool Backplane { get; set; } = true;

        /// <summary>Delete the context's storage when it is disposed.</summary>
        public bool Temporary { get; set; }

        /// <summary>Optional logger: hits (Debug), misses (Information), a store that fell back (Warning).</summary>
        public ILogger? Logger { get; set; }

        /// <summary>Clock used for expiry decisions; null uses the system clock. Tests set it.</summary>
        public Func<DateTimeOffset>? Clock { get; set; }

        /// <summary>A shallow copy, so a context never sees later changes to the caller's object.</summary>
        public CacheOptions Clone() => (CacheOptions)MemberwiseClone();
    }
}
