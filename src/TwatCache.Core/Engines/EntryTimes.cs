using System;

namespace TwatCache.Engines
{
    /// <summary>
    /// The one time codec of the persistent engines: UTC ticks. Two "none" markers are part of the stored
    /// formats and stay as they are: an expiry that never comes is <see cref="NeverTicks"/> in LiteDB
    /// documents and File headers (so "expires &lt;= now" range queries skip it), and 0 for every other
    /// optional time (retention, absolute limit) and for Redis's expiry field.
    /// </summary>
    internal static class EntryTimes
    {
        /// <summary>The stored expiry of an entry that never expires (LiteDB, File).</summary>
        public const long NeverTicks = long.MaxValue;

        /// <summary>The time of stored UTC ticks.</summary>
        public static DateTimeOffset At(long ticks) => new DateTimeOffset(ticks, TimeSpan.Zero);

        /// <summary>An expiry as stored by LiteDB and File: <see cref="NeverTicks"/> for none.</summary>
        public static long ExpiryTicks(DateTimeOffset? expires) => expires?.UtcTicks ?? NeverTicks;

        /// <summary>Reads <see cref="ExpiryTicks"/>.</summary>
        public static DateTimeOffset? ExpiryFromTicks(long ticks) => ticks == NeverTicks ? (DateTimeOffset?)null : At(ticks);

        /// <summary>A sliding window as stored: its ticks, 0 for none.</summary>
        public static long WindowTicks(TimeSpan? window) => window?.Ticks ?? 0L;

        /// <summary>Reads <see cref="WindowTicks"/>.</summary>
        public static TimeSpan? WindowFromTicks(long ticks) => ticks == 0 ? (TimeSpan?)null : TimeSpan.FromTicks(ticks);

        /// <summary>Any other optional time: 0 for none.</summary>
        public static long OptionalTicks(DateTimeOffset? time) => time?.UtcTicks ?? 0L;

        /// <summary>Reads <see cref="OptionalTicks"/> (0 or less, and ticks past the calendar, are none).</summary>
        public static DateTimeOffset? OptionalFromTicks(long ticks)
            => ticks > 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks ? At(ticks) : (DateTimeOffset?)null;
    }
}
