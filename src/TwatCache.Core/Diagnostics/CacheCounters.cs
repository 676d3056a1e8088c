using System.Threading;

namespace TwatCache.Diagnostics
{
    /// <summary>Thread-safe hit/miss/write/eviction counters of one context.</summary>
    public sealed class CacheCounters
    {
        private long _hits, _misses, _writes, _evictions, _staleServed;

        // The context's feed into the "TwatCache" meter: every count here is reported there too.
        internal ContextTelemetry? Telemetry { get; set; }

        /// <summary>Reads answered from the cache.</summary>
        public long Hits => Interlocked.Read(ref _hits);

        /// <summary>Reads that found nothing usable.</summary>
        public long Misses => Interlocked.Read(ref _misses);

        /// <summary>Entries written.</summary>
        public long Writes => Interlocked.Read(ref _writes);

        /// <summary>Entries removed to respect limits.</summary>
        public long Evictions => Interlocked.Read(ref _evictions);

        /// <summary>Failed refreshes answered with a stale entry (fail-safe).</summary>
        public long StaleServed => Interlocked.Read(ref _staleServed);

        /// <summary>Counts a stale entry served by fail-safe.</summary>
        public void ServedStale()
        {
            Interlocked.Increment(ref _staleServed);
            Telemetry?.ServedStale();
        }

        /// <summary>Counts a hit.</summary>
        public void Hit()
        {
            Interlocked.Increment(ref _hits);
            Telemetry?.Hit();
        }

        /// <summary>Counts a miss.</summary>
        public void Miss()
        {
            Interlocked.Increment(ref _misses);
            Telemetry?.Miss();
        }

        /// <summary>Takes back a miss that was only a re-check (single flight), so stats stay exact.</summary>
        /// <remarks>The meter's counters only grow, so the flow no longer counts a re-check's miss at all; this stays for callers.</remarks>
        public void UndoMiss() => Interlocked.Decrement(ref _misses);

        /// <summary>Counts a write.</summary>
        public void Write()
        {
            Interlocked.Increment(ref _writes);
            Telemetry?.Write();
        }

        /// <summary>Counts evictions.</summary>
        public void Evicted(long count)
        {
            Interlocked.Add(ref _evictions, count);
            Telemetry?.Evicted(count);
        }

        /// <summary>Sets every counter back to zero.</summary>
        public void Reset()
        {
            Interlocked.Exchange(ref _hits, 0);
            Interlocked.Exchange(ref _misses, 0);
            Interlocked.Exchange(ref _writes, 0);
            Interlocked.Exchange(ref _evictions, 0);
            Interlocked.Exchange(ref _staleServed, 0);
        }
    }
}
