using System;
using System.Collections.Generic;
using System.Linq;

namespace TwatCache.Policies
{
    /// <summary>Checks and normalizes entry tags: trimmed, lower case, distinct, printable, at most 128 characters.</summary>
    internal static class TagRules
    {
        public const int MaxLength = 128;

        /// <summary>The normalized form of <paramref name="tags"/>; an empty array for null.</summary>
        /// <exception cref="CacheConfigurationException">A tag is empty, too long or holds control characters.</exception>
        public static string[] Normalize(IEnumerable<string>? tags)
        {
            if (tags == null) return Array.Empty<string>();
            var result = new List<string>();
            foreach (var raw in tags)
            {
                var tag = Normalize(raw);
                if (!result.Contains(tag)) result.Add(tag);
            }
            return result.ToArray();
        }

        /// <summary>The normalized form of one tag.</summary>
        public static string Normalize(string? tag)
        {
            var t = tag?.Trim() ?? string.Empty;
            if (t.Length == 0) throw new CacheConfigurationException("A tag cannot be empty.");
            if (t.Length > MaxLength) throw new CacheConfigurationException($"The tag '{t.Substring(0, 20)}...' is longer than {MaxLength} characters.");
            if (t.Any(char.IsControl)) throw new CacheConfigurationException($"The tag '{t}' contains control characters.");
            return t.ToLowerInvariant();
        }
    }
}
