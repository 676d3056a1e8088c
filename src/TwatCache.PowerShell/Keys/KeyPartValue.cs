using System;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// The text of a key part's value kept with an entry to explain misses: only short scalars, and never
    /// for a name that suggests a secret (password, token, key...) or a SecureString/PSCredential.
    /// </summary>
    internal static class KeyPartValue
    {
        private const int MaxLength = 40;
        private static readonly Regex SecretName = new Regex("pass|pwd|secret|token|key|cred|auth|cert|sig|salt|cookie|session|bearer", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static string? Display(string name, object? value)
        {
            if (SecretName.IsMatch(name)) return null;
            var bare = value is PSObject p ? p.BaseObject : value;
            if (name == "location" && bare is string path) return path.Length <= 4 * MaxLength && !HasControl(path) ? "'" + path + "'" : null;
            if (bare is object[] list) return List(list);
            return Scalar(bare);
        }

        // An argument list shows when each argument is a short scalar: ('a', 2).
        private static string? List(IList items)
        {
            if (items.Count > 4) return null;
            var sb = new StringBuilder("(");
            for (int i = 0; i < items.Count; i++)
            {
                var one = Scalar(items[i] is PSObject p ? p.BaseObject : items[i]);
                if (one == null) return null;
                sb.Append(i == 0 ? "" : ", ").Append(one);
            }
            var text = sb.Append(')').ToString();
            return text.Length <= MaxLength * 2 ? text : null;
        }

        private static string? Scalar(object? bare)
        {
            switch (bare)
            {
                case null: return "$null";
                case string s: return s.Length <= MaxLength && !HasControl(s) ? "'" + s.Replace("'", "''") + "'" : null;
                case bool b: return b ? "$true" : "$false";
                case char c: return char.IsControl(c) ? null : "[char]'" + c + "'";
                case Enum e: return e.ToString();
                case DateTime d: return d.ToString("o", CultureInfo.InvariantCulture);
                case DateTimeOffset d: return d.ToString("o", CultureInfo.InvariantCulture);
                case IFormattable f when bare.GetType().IsPrimitive || bare is decimal:
                    return f.ToString(null, CultureInfo.InvariantCulture);
                default: return null;
            }
        }

        private static bool HasControl(string s)
        {
            foreach (var c in s) if (char.IsControl(c)) return true;
            return false;
        }
    }
}
