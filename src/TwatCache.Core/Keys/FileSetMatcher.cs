using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.FileSystemGlobbing.Abstractions;

namespace TwatCache.Keys
{
    /// <summary>
    /// The files a list of paths and globs names, for keys that depend on file contents (Invoke-Cached
    /// -DependsOn): each path relative to a base directory; a glob (<c>*</c>, <c>?</c>, <c>**</c>) matched
    /// with Microsoft.Extensions.FileSystemGlobbing from its leading segments without wildcards; a directory
    /// taken recursively; a literal path that does not exist returned as missing. Full paths, distinct,
    /// sorted ordinally.
    /// </summary>
    internal static class FileSetMatcher
    {
        private static readonly char[] Wildcards = { '*', '?', '[' };

        /// <summary>True where the file system compares names without case (Windows, macOS by default).</summary>
        public static bool IgnoresCase { get; } = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) || RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        /// <summary>Resolves <paramref name="patterns"/> against <paramref name="baseDirectory"/>: the existing files, and the literal paths that are missing.</summary>
        public static IReadOnlyList<string> Match(IEnumerable<string> patterns, string baseDirectory, out IReadOnlyList<string> missing)
        {
            if (patterns == null) throw new ArgumentNullException(nameof(patterns));
            if (baseDirectory == null) throw new ArgumentNullException(nameof(baseDirectory));
            var comparer = IgnoresCase ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;
            var found = new HashSet<string>(comparer);
            var absent = new HashSet<string>(comparer);
            foreach (var pattern in patterns)
            {
                if (string.IsNullOrWhiteSpace(pattern)) continue;
                if (pattern.IndexOfAny(Wildcards) < 0) AddLiteral(pattern, baseDirectory, found, absent);
                else AddGlob(pattern, baseDirectory, found);
            }
            absent.ExceptWith(found);
            missing = absent.OrderBy(p => p, StringComparer.Ordinal).ToArray();
            return found.OrderBy(p => p, StringComparer.Ordinal).ToArray();
        }

        private static void AddLiteral(string pattern, string baseDirectory, HashSet<string> found, HashSet<string> missing)
        {
            var full = Path.GetFullPath(Path.Combine(baseDirectory, pattern));
            if (File.Exists(full)) found.Add(full);
            else if (Directory.Exists(full))
            {
                foreach (var file in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories)) found.Add(file);
            }
            else missing.Add(full);
        }

        // The glob's leading segments without wildcards are its root directory; the rest goes to the matcher.
        private static void AddGlob(string pattern, string baseDirectory, HashSet<string> found)
        {
            var segments = pattern.Replace('\\', '/').Split('/');
            int first = Array.FindIndex(segments, s => s.IndexOfAny(Wildcards) >= 0);
            var rootText = string.Join("/", segments.Take(first));
            if (rootText.Length == 0 && pattern.StartsWith("/", StringComparison.Ordinal)) rootText = "/";
            var root = Path.GetFullPath(Path.Combine(baseDirectory, rootText.Length == 0 ? "." : rootText));
            if (!Directory.Exists(root)) return;
            var matcher = new Matcher(IgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            matcher.AddInclude(string.Join("/", segments.Skip(first)));
            foreach (var match in matcher.Execute(new DirectoryInfoWrapper(new DirectoryInfo(root))).Files)
                found.Add(Path.GetFullPath(Path.Combine(root, match.Path)));
        }
    }
}
