using System;
using System.Threading;

namespace TwatCache.Policies
{
    /// <summary>
    /// The default clock of a context: UTC time at millisecond resolution, read from
    /// <see cref="Environment.TickCount"/> (a few nanoseconds) and re-anchored to the system clock every
    /// second. A memory hit reads the clock once; <c>DateTimeOffset.UtcNow</c> was the largest part of its
    /// cost. Expiry decisions need milliseconds, not ticks; the re-anchoring keeps it within a second of
    /// wall-clock changes (NTP steps).
    /// </summary>
    internal static class CoarseClock
    {
        private sealed class Anchor
        {
            public Anchor(DateTimeOffset utc, int tick) { Utc = utc; Tick = tick; }
            public readonly DateTimeOffset Utc;
            public readonly int Tick;
        }

        private static Anchor _anchor = new Anchor(DateTimeOffset.UtcNow, Environment.TickCount);

        /// <summary>The current UTC time, millisecond resolution.</summary>
        public static DateTimeOffset UtcNow
        {
            get
            {
                var anchor = Volatile.Read(ref _anchor);
                int elapsed = unchecked(Environment.TickCount - anchor.Tick);
                if (elapsed >= 0 && elapsed < 1000) return anchor.Utc.AddTicks(elapsed * TimeSpan.TicksPerMillisecond);
                var fresh = new Anchor(DateTimeOffset.UtcNow, Environment.TickCount);
                Volatile.Write(ref _anchor, fresh);
                return fresh.Utc;
            }
        }
    }
}
