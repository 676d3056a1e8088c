using System;

namespace TwatCache.Policies
{
    /// <summary>
    /// Date arithmetic for lifetimes that saturates instead of overflowing: a TTL as long as
    /// <see cref="TimeSpan.MaxValue"/> (or '3000000d') goes past year 9999, which DateTimeOffset cannot hold,
    /// and means "never expires".
    /// </summary>
    internal static class Lifetime
    {
        /// <summary><paramref name="start"/> plus <paramref name="span"/>, or null (never) when that is past the last representable time.</summary>
        public static DateTimeOffset? ExpiryAfter(DateTimeOffset start, TimeSpan span)
            => span >= DateTimeOffset.MaxValue.UtcDateTime - start.UtcDateTime ? (DateTimeOffset?)null : start + span;

        /// <summary><paramref name="start"/> plus <paramref name="span"/>, saturating at <see cref="DateTimeOffset.MaxValue"/>.</summary>
        public static DateTimeOffset SaturatedAdd(DateTimeOffset start, TimeSpan span)
            => ExpiryAfter(start, span) ?? DateTimeOffset.MaxValue;

        /// <summary><paramref name="end"/> minus <paramref name="span"/>, saturating at <see cref="DateTimeOffset.MinValue"/>.</summary>
        public static DateTimeOffset SaturatedSubtract(DateTimeOffset end, TimeSpan span)
            => span >= end.UtcDateTime - DateTimeOffset.MinValue.UtcDateTime ? DateTimeOffset.MinValue : end - span;

        /// <summary>The earlier of two expiries, null meaning never.</summary>
        public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b)
            => !a.HasValue ? b : !b.HasValue ? a : (a.Value <= b.Value ? a : b);
    }
}
