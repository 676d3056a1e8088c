using System;
using System.Collections.Generic;
using System.Linq;
using TwatCache.Contexts;
using TwatCache.Diagnostics;

namespace TwatCache.Policies
{
    /// <summary>
    /// Evicts by the context's policy when a layer is over MaxEntries/MaxBytes, down to a low-water mark
    /// (90% of each limit) so that listing the store happens once per ~10% of the limit in writes, not on
    /// every write. The store's size is tracked from the last listing plus this process's writes: exact
    /// within a process; with several writers each process trims when its own estimate passes. The
    /// outermost layer's evictions are counted; an entry evicted there also leaves L1.
    /// </summary>
    internal sealed class EvictionEnforcer
    {
        private readonly CacheOptions _options;
        private readonly LayeredStore _layers;
        private readonly CacheCounters _counters;
        private readonly object _gate = new object();
        private long _estimatedEntries, _estimatedBytes;
        private bool _estimateKnown;

        public EvictionEnforcer(CacheOptions options, LayeredStore layers, CacheCounters counters)
        {
            _options = options;
            _layers = layers;
            _counters = counters;
        }

        /// <summary>Called after each write of <paramref name="justWritten"/> (never chosen) of <paramref name="writtenBytes"/>.</summary>
        public void AfterWrite(string justWritten, DateTimeOffset now, long writtenBytes)
        {
            long? maxEntries = _options.MaxEntries, maxBytes = _options.MaxBytes;
            if (!maxEntries.HasValue && !maxBytes.HasValue) return;
            var store = _layers.Store;
            var memory = _layers.Memory;
            lock (_gate)
            {
                if (store != null)
                {
                    _estimatedEntries++;
                    _estimatedBytes += writtenBytes;
                    bool over = !_estimateKnown || (maxEntries.HasValue && _estimatedEntries > maxEntries.Value) || (maxBytes.HasValue && _estimatedBytes > maxBytes.Value);
                    var listed = over ? _layers.ListStoreWithMemoryReads() : null;
                    if (listed != null)
                    {
                        var victims = EvictionPlanner.Victims(listed, LowWater(maxEntries, listed.Count), LowWater(maxBytes, listed.Sum(e => e.SizeBytes)), _options.Policy, now, justWritten);
                        var gone = new HashSet<string>(victims, StringComparer.Ordinal);
                        foreach (var key in victims) _layers.Remove(key);
                        _counters.Evicted(victims.Count);
                        _estimatedEntries = listed.Count - victims.Count;
                        _estimatedBytes = listed.Where(e => !gone.Contains(e.Key)).Sum(e => e.SizeBytes);
                        _estimateKnown = true;
                    }
                }
                // L1 holds at most MaxEntries live objects (their byte size is unknown, so only the count applies).
                if (memory != null && (store == null || maxEntries.HasValue))
                {
                    bool over = (maxEntries.HasValue && memory.Count > maxEntries.Value) || (store == null && maxBytes.HasValue);
                    if (over)
                    {
                        var listed = memory.List();
                        var victims = EvictionPlanner.Victims(listed, LowWater(maxEntries, listed.Count), store == null ? LowWater(maxBytes, listed.Sum(e => e.SizeBytes)) : null, _options.Policy, now, justWritten);
                        foreach (var key in victims) memory.Remove(key);
                        if (store == null) _counters.Evicted(victims.Count);
                    }
                }
            }
        }

        // Once over a limit, trim to 90% of it (exactly to the limit for limits under 10).
        private static long? LowWater(long? limit, long current)
            => !limit.HasValue || current <= limit.Value ? limit : limit.Value - limit.Value / 10;
    }
}
