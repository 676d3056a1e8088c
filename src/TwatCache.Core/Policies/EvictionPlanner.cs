using System;
using System.Collections.Generic;
using System.Linq;
using TwatCache.Engines;

namespace TwatCache.Policies
{
    /// <summary>
    /// Chooses which entries leave a store that is over <see cref="CacheOptions.MaxEntries"/> or
    /// <see cref="CacheOptions.MaxBytes"/>: LRU by last access, LFU by hits (then last access), FIFO by
    /// creation, Random by a shuffle. Expired entries always go first. "Last access" and "creation" are the
    /// store's sequence numbers (<see cref="CacheEntry.AccessSequence"/>, <see cref="CacheEntry.WriteSequence"/>),
    /// not clock times, which tie within a clock tick; times only order entries without sequence numbers.
    /// </summary>
    internal static class EvictionPlanner
    {
        [ThreadStatic] private static Random? _random;

        /// <summary>
        /// Keys to remove so that <paramref name="entries"/> fit the limits; <paramref name="keep"/> (the entry
        /// just written) is never chosen.
        /// </summary>
        public static IReadOnlyList<string> Victims(IReadOnlyList<CacheEntry> entries, long? maxEntries, long? maxBytes, EvictionPolicy policy, DateTimeOffset now, string? keep = null)
        {
            long count = entries.Count, bytes = entries.Sum(e => e.SizeBytes);
            if ((!maxEntries.HasValue || count <= maxEntries.Value) && (!maxBytes.HasValue || bytes <= maxBytes.Value)) return Array.Empty<string>();
            var victims = new List<string>();
            foreach (var e in Order(entries.Where(e => e.Key != keep), policy, now))
            {
                if ((!maxEntries.HasValue || count <= maxEntries.Value) && (!maxBytes.HasValue || bytes <= maxBytes.Value)) break;
                victims.Add(e.Key);
                count--;
                bytes -= e.SizeBytes;
            }
            return victims;
        }

        private static IEnumerable<CacheEntry> Order(IEnumerable<CacheEntry> entries, EvictionPolicy policy, DateTimeOffset now)
        {
            var list = entries.ToList();
            IOrderedEnumerable<CacheEntry> expiredFirst = list.OrderBy(e => e.IsExpiredAt(now) ? 0 : 1);
            switch (policy)
            {
                case EvictionPolicy.Lfu: return expiredFirst.ThenBy(e => e.Hits).ThenBy(e => e.AccessSequence).ThenBy(e => e.LastAccess);
                case EvictionPolicy.Fifo: return expiredFirst.ThenBy(e => e.WriteSequence).ThenBy(e => e.Created);
                case EvictionPolicy.Random:
                    var rng = _random ??= new Random(Guid.NewGuid().GetHashCode());
                    return expiredFirst.ThenBy(_ => rng.Next());
                default: return expiredFirst.ThenBy(e => e.AccessSequence).ThenBy(e => e.LastAccess);
            }
        }
    }
}
