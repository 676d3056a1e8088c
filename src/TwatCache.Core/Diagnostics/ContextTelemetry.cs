using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace TwatCache.Diagnostics
{
    /// <summary>
    /// One context's feed into the process-wide "TwatCache" meter and activity source. Tags are the context
    /// name and engine only (never key values). Every call checks the instrument's or source's listeners
    /// first, so with nobody listening a hit costs a field read and a branch.
    /// </summary>
    internal sealed class ContextTelemetry
    {
        private static readonly string Version = typeof(ContextTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        internal static readonly Meter Meter = new Meter(TwatCacheTelemetry.Name, Version);
        internal static readonly ActivitySource Source = new ActivitySource(TwatCacheTelemetry.Name, Version);

        private static readonly Counter<long> Hits = Meter.CreateCounter<long>("twatcache.hits", "{lookup}", "Lookups answered from the cache.");
        private static readonly Counter<long> Misses = Meter.CreateCounter<long>("twatcache.misses", "{lookup}", "Lookups that found nothing usable.");
        private static readonly Counter<long> StaleServed = Meter.CreateCounter<long>("twatcache.stale_served", "{entry}", "Failed refreshes answered with a stale entry (fail-safe).");
        private static readonly Counter<long> Evictions = Meter.CreateCounter<long>("twatcache.evictions", "{entry}", "Entries removed to respect limits.");
        private static readonly Counter<long> Writes = Meter.CreateCounter<long>("twatcache.writes", "{entry}", "Entries written.");
        private static readonly Counter<long> Errors = Meter.CreateCounter<long>("twatcache.errors", "{run}", "Factory or block runs that failed.");
        private static readonly Counter<long> Fallbacks = Meter.CreateCounter<long>("twatcache.fallbacks", "{store}", "Stores that failed and were replaced by memory.");
        private static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>("twatcache.factory.duration", "ms", "Time a factory or block took on a miss.");

        private readonly KeyValuePair<string, object?> _context;
        private readonly Func<string> _engineName;
        private KeyValuePair<string, object?> _engine;

        public ContextTelemetry(string contextName, Func<string> engineName)
        {
            _context = new KeyValuePair<string, object?>(TwatCacheTelemetry.ContextTag, contextName);
            _engineName = engineName;
        }

        public void Hit() { if (Hits.Enabled) Hits.Add(1, _context, Engine); }

        public void Miss() { if (Misses.Enabled) Misses.Add(1, _context, Engine); }

        public void ServedStale() { if (StaleServed.Enabled) StaleServed.Add(1, _context, Engine); }

        public void Evicted(long count) { if (Evictions.Enabled) Evictions.Add(count, _context, Engine); }

        public void Write() { if (Writes.Enabled) Writes.Add(1, _context, Engine); }

        public void Error() { if (Errors.Enabled) Errors.Add(1, _context, Engine); }

        public void FellBack() { if (Fallbacks.Enabled) Fallbacks.Add(1, _context, Engine); }

        public void Ran(TimeSpan elapsed) { if (RunDuration.Enabled) RunDuration.Record(elapsed.TotalMilliseconds, _context, Engine); }

        /// <summary>An activity named <paramref name="name"/> with the context and engine tags, or null when nobody listens.</summary>
        public Activity? Start(string name)
        {
            if (!Source.HasListeners()) return null;
            var activity = Source.StartActivity(name, ActivityKind.Internal);
            if (activity == null) return null;
            activity.SetTag(_context.Key, _context.Value);
            activity.SetTag(TwatCacheTelemetry.EngineTag, Engine.Value);
            return activity;
        }

        // The engine name is one string until a failing store falls back to memory: rebuild the tag then.
        private KeyValuePair<string, object?> Engine
        {
            get
            {
                var name = _engineName();
                var tag = _engine;
                if (!ReferenceEquals(tag.Value, name))
                {
                    tag = new KeyValuePair<string, object?>(TwatCacheTelemetry.EngineTag, name);
                    _engine = tag;
                }
                return tag;
            }
        }
    }
}
