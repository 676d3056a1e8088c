using System;
using System.Collections.Generic;

namespace TwatCache.PowerShell.Binding
{
    /// <summary>
    /// Reads <c>$env:TWATCACHE_DISABLE</c>: 1, true, yes, on disable caching; 0, false, no, off or unset do
    /// not (any case, spaces ignored). Any other value does not disable and is reported once per process.
    /// </summary>
    public static class DisableSetting
    {
        /// <summary>The environment variable.</summary>
        public const string EnvironmentVariable = "TWATCACHE_DISABLE";

        private static readonly HashSet<string> On = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "1", "true", "yes", "on" };
        private static readonly HashSet<string> Off = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "", "0", "false", "no", "off" };
        private static readonly HashSet<string> Reported = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>True when the variable says to bypass the cache; <paramref name="warn"/> hears of an unknown value once.</summary>
        public static bool IsDisabled(Action<string> warn)
        {
            var raw = Environment.GetEnvironmentVariable(EnvironmentVariable);
            var v = (raw ?? string.Empty).Trim();
            if (On.Contains(v)) return true;
            if (Off.Contains(v)) return false;
            bool first;
            lock (Reported) first = Reported.Add(raw!);
            if (first) warn($"{EnvironmentVariable}='{raw}' is not understood, so caching stays on. Use 1, true, yes or on to disable caching; 0, false, no or off to keep it.");
            return false;
        }
    }
}
