using System;
using System.Collections.Generic;
using System.IO;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// The files named by <c>-DependsOn</c> (matched by <see cref="FileSetMatcher"/>), each with an XxHash128
    /// of its content, read once per Invoke-Cached call. Content only: a fresh checkout with new
    /// modification times has the same key. A literal path that does not exist is keyed as missing.
    /// </summary>
    internal sealed class DependsOnFiles
    {
        /// <summary>How many files get a key part of their own (for miss explanations).</summary>
        public const int MaxNamedFiles = 64;

        private DependsOnFiles(IReadOnlyList<DependsOnFile> files) => Files = files;

        /// <summary>The files, sorted by <see cref="DependsOnFile.Path"/>.</summary>
        public IReadOnlyList<DependsOnFile> Files { get; }

        /// <summary>Resolves and reads <paramref name="patterns"/> against <paramref name="baseDirectory"/>.</summary>
        public static DependsOnFiles Read(IEnumerable<string> patterns, string baseDirectory)
        {
            var found = FileSetMatcher.Match(patterns, baseDirectory, out var missing);
            var files = new List<DependsOnFile>(found.Count + missing.Count);
            foreach (var path in found) files.Add(new DependsOnFile(Relative(path, baseDirectory), HashContent(path)));
            foreach (var path in missing) files.Add(new DependsOnFile(Relative(path, baseDirectory), null));
            files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return new DependsOnFiles(files);
        }

        /// <summary>Writes the files into a key: a marker, then each path with its content hash (null when missing).</summary>
        public void Write(CanonicalKeyWriter writer, KeyPartsRecorder? parts)
        {
            writer.WriteString("depends-on");
            writer.BeginList(Files.Count);
            for (int i = 0; i < Files.Count; i++)
            {
                var f = Files[i];
                // The first files are named one by one; the rest share one part, so a large tree keeps small key parts.
                if (i < MaxNamedFiles) parts?.BeginWithText("file " + f.Path, f.ContentHash == null ? "missing" : null);
                else if (i == MaxNamedFiles) parts?.BeginWithText($"the other {Files.Count - MaxNamedFiles} -DependsOn files", null);
                writer.WriteString(f.Path);
                if (f.ContentHash == null) writer.WriteNull();
                else writer.WriteBytes(f.ContentHash);
                if (i < MaxNamedFiles || i == Files.Count - 1) parts?.End();
            }
        }

        private static byte[] HashContent(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.SequentialScan);
                return KeyHasher.Fingerprint(stream);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Keying an unreadable file as empty or missing could hit wrongly: refuse.
                throw new CacheKeyException($"Cannot read -DependsOn file '{path}' to build the cache key: {ex.Message}", ex);
            }
        }

        // Inside the base directory: relative with '/' (the same on every platform); outside it: the full path.
        private static string Relative(string full, string baseDirectory)
        {
            var root = baseDirectory.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? baseDirectory : baseDirectory + Path.DirectorySeparatorChar;
            var comparison = FileSetMatcher.IgnoresCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var path = full.StartsWith(root, comparison) ? full.Substring(root.Length) : full;
            return path.Replace('\\', '/');
        }
    }
}
