using System;
using System.Linq;

namespace TwatCache.PowerShell.Binding
{
    /// <summary>
    /// Reads an engine name. Only the names count (case-insensitive): enum parsing would also take numbers
    /// ('1' is Memory, '-1' and '0' Auto) and flag lists ('Memory,LiteDb' is 3, File), which select an
    /// engine nobody named.
    /// </summary>
    public static class EngineNames
    {
        /// <summary>The names a user may give, in completion order.</summary>
        public static readonly string[] All = Enum.GetNames(typeof(CacheEngineKind));

        /// <summary>True when <paramref name="text"/> is exactly one engine name.</summary>
        public static bool TryParse(string? text, out CacheEngineKind kind)
        {
            kind = CacheEngineKind.Auto;
            var s = (text ?? string.Empty).Trim();
            var name = All.FirstOrDefault(n => string.Equals(n, s, StringComparison.OrdinalIgnoreCase));
            if (name == null) return false;
            kind = (CacheEngineKind)Enum.Parse(typeof(CacheEngineKind), name);
            return true;
        }

        /// <summary>The message for a value that is not an engine name.</summary>
        public static string NotAnEngine(object? value, string where)
            => $"{where} '{value}' is not an engine name. Use one of: {string.Join(", ", All)}.";
    }
}
