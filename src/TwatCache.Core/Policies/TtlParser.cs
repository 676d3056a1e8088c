using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TwatCache.Policies
{
    /// <summary>
    /// Parses time-to-live text: unit forms such as <c>90s</c>, <c>30m</c>, <c>1h30m</c>, <c>2d</c>, <c>1w</c>,
    /// <c>500ms</c>; a bare number of seconds; or a TimeSpan such as <c>00:05:00</c> or <c>1.02:00:00</c>.
    /// A TTL must be positive.
    /// </summary>
    internal static class TtlParser
    {
        private static readonly Regex UnitPart = new Regex(@"(\d+(?:\.\d+)?)(ms|w|d|h|m|s)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex UnitForm = new Regex(@"^(?:\d+(?:\.\d+)?(?:ms|w|d|h|m|s))+$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        /// <summary>Parses <paramref name="text"/> or throws <see cref="CacheConfigurationException"/> saying what is accepted.</summary>
        public static TimeSpan Parse(string text)
        {
            if (TryParse(text, out var ttl, out var error)) return ttl;
            throw new CacheConfigurationException(error!);
        }

        /// <summary>Tries to parse; on failure <paramref name="error"/> explains why.</summary>
        public static bool TryParse(string? text, out TimeSpan ttl, out string? error)
        {
            ttl = default;
            error = null;
            var s = (text ?? string.Empty).Trim();
            if (s.Length == 0)
            {
                error = "The TTL is empty. " + Grammar;
                return false;
            }
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                return TryFromSeconds(seconds, s, out ttl, out error);
            if (UnitForm.IsMatch(s))
            {
                double total = 0;
                foreach (Match m in UnitPart.Matches(s))
                {
                    var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                    total += n * UnitSeconds(m.Groups[2].Value.ToLowerInvariant());
                }
                return TryFromSeconds(total, s, out ttl, out error);
            }
            if (s.IndexOf(':') >= 0 && TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var ts))
                return Check(ts, s, out ttl, out error);
            error = $"'{s}' is not a TTL. {Grammar}";
            return false;
        }

        /// <summary>Converts a number of seconds to a TTL, rejecting zero, negative and absurd values.</summary>
        public static bool TryFromSeconds(double seconds, string original, out TimeSpan ttl, out string? error)
        {
            ttl = default;
            if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            {
                error = $"'{original}' is out of range for a TTL. {Grammar}";
                return false;
            }
            return Check(TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond)), original, out ttl, out error);
        }

        /// <summary>What the parser accepts, for error messages and help.</summary>
        public const string Grammar = "Use a positive duration: a TimeSpan, a number of seconds, or text such as '90s', '30m', '1h', '1h30m', '2d', '1w', '500ms' or '00:05:00'.";

        private static bool Check(TimeSpan value, string original, out TimeSpan ttl, out string? error)
        {
            ttl = value;
            error = null;
            if (value > TimeSpan.Zero) return true;
            error = $"'{original}' is not a positive duration. {Grammar}";
            return false;
        }

        private static double UnitSeconds(string unit) => unit switch
        {
            "ms" => 0.001,
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "d" => 86400,
            "w" => 604800,
            _ => throw new ArgumentOutOfRangeException(nameof(unit)),
        };
    }
}
