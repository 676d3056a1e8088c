using System;
using System.Collections.Generic;

namespace TwatCache.Engines
{
    /// <summary>
    /// A store of <see cref="CacheEntry"/> by hashed key. Engines never call back into callers and never
    /// return an entry that has expired from <see cref="Get"/> (only <see cref="GetStale"/> does, for
    /// fail-safe). Implementations are thread-safe.
    /// </summary>
    internal interface ICacheEngine : IDisposable
    {
        /// <summary>Engine name shown in stats (Memory, LiteDb, File, Redis).</summary>
        string Name { get; }

        /// <summary>True when the engine keeps live objects (<see cref="CacheEntry.Value"/>); false when it needs <see cref="CacheEntry.Payload"/>.</summary>
        bool StoresObjects { get; }

        /// <summary>Where the data lives (a file or directory), or null for process memory.</summary>
        string? Location { get; }

        /// <summary>Returns the live entry for <paramref name="key"/> and records the read, or null on a miss or expiry.</summary>
        CacheEntry? Get(string key, DateTimeOffset now);

        /// <summary>
        /// Returns the entry for <paramref name="key"/> even when it has expired, as long as the store still
        /// retains it for fail-safe use (<see cref="CacheEntry.StaleUntil"/>); does not record a read. Null when absent.
        /// </summary>
        CacheEntry? GetStale(string key, DateTimeOffset now);

        /// <summary>Removes every entry tagged <paramref name="tag"/> through the store's tag index (payloads are not read); returns how many went.</summary>
        int RemoveByTag(string tag);

        /// <summary>Writes or overwrites an entry.</summary>
        void Set(CacheEntry entry);

        /// <summary>Removes one entry; true when it existed.</summary>
        bool Remove(string key);

        /// <summary>Removes every entry; returns how many went.</summary>
        int Clear();

        /// <summary>Removes entries that expired before <paramref name="now"/> and are past their fail-safe retention; returns how many went.</summary>
        int RemoveExpired(DateTimeOffset now);

        /// <summary>Metadata of every entry (no values or payloads).</summary>
        IReadOnlyList<CacheEntry> List();

        /// <summary>Entry count and byte size as the store sees them.</summary>
        StoreSummary Summarize();
    }
}
