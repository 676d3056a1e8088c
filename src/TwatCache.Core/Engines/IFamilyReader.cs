using System;
using System.Collections.Generic;

namespace TwatCache.Engines
{
    /// <summary>
    /// Implemented by stores that can read a key family (every key that starts with one prefix: the entries
    /// of one script block) in one scan, far cheaper per entry than one point read per key. A pipeline of
    /// hits reads its block's entries once this way (<see cref="Contexts.FamilyReadAhead"/>), and the reads it
    /// serves from them are recorded back in batches.
    /// </summary>
    internal interface IFamilyReader
    {
        /// <summary>False while the store must see every read as it happens (LRU or LFU limits): no read-ahead then.</summary>
        bool AllowsReadAhead { get; }

        /// <summary>
        /// The live entries (payloads included) whose keys start with <paramref name="prefix"/>, until their
        /// payloads would pass <paramref name="byteBudget"/> bytes (the rest stay point reads), in key order.
        /// </summary>
        IReadOnlyList<CacheEntry> ReadFamily(string prefix, DateTimeOffset now, long byteBudget);

        /// <summary>True when a read of <paramref name="entry"/> (as <see cref="ReadFamily"/> gave it) at <paramref name="now"/> must be written back (the access time, a sliding expiry).</summary>
        bool ReadNeedsRecording(CacheEntry entry, DateTimeOffset now);

        /// <summary>Writes back reads served from a family read, in one session: what a point read would have written for each.</summary>
        void RecordReads(IReadOnlyList<KeyValuePair<string, DateTimeOffset>> reads);
    }
}
