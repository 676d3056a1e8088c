using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// The stored form of an entry's key parts (<c>CacheEntryOptions.KeyParts</c>): one part per line,
    /// <c>name #hash</c> then <c> = value</c> when a value is kept. Readable in Get-CacheEntry as it is,
    /// and read back here to compare with a new call's parts.
    /// </summary>
    internal static class KeyPartsText
    {
        private const string HashMark = " #";
        private const string ValueMark = " = ";

        // The first " #" plus 16 hex digits that ends the line or precedes " = " ends the name (a file name may hold " #").
        private static readonly Regex Line = new Regex("^(?<name>.*?) #(?<hash>[0-9a-f]{16})(?: = (?<value>.*))?$", RegexOptions.CultureInvariant | RegexOptions.Singleline);

        public static string Write(IReadOnlyList<KeyPart> parts)
        {
            var sb = new StringBuilder();
            foreach (var p in parts)
            {
                if (sb.Length > 0) sb.Append('\n');
                sb.Append(Clean(p.Name)).Append(HashMark).Append(p.Hash);
                if (p.Value != null) sb.Append(ValueMark).Append(p.Value);
            }
            return sb.ToString();
        }

        public static List<KeyPart> Read(string? text)
        {
            var parts = new List<KeyPart>();
            if (string.IsNullOrEmpty(text)) return parts;
            foreach (var line in text!.Split('\n'))
            {
                var m = Line.Match(line);
                if (!m.Success) continue;
                parts.Add(new KeyPart(m.Groups["name"].Value, m.Groups["hash"].Value, m.Groups["value"].Success ? m.Groups["value"].Value : null));
            }
            return parts;
        }

        private static string Clean(string name)
        {
            var chars = name.ToCharArray();
            for (int i = 0; i < chars.Length; i++) if (char.IsControl(chars[i])) chars[i] = '?';
            return new string(chars);
        }
    }
}
