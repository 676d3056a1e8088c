using System;
using System.Collections.Concurrent;
using System.IO;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>XxHash128 of a file's content, re-read only when its size or write time changes.</summary>
    internal static class FileFingerprints
    {
        private static readonly ConcurrentDictionary<string, Entry> Cache = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);

        /// <summary>The content fingerprint, or an empty array when the file cannot be read.</summary>
        public static byte[] Of(string path)
        {
            try
            {
                var file = new FileInfo(path);
                if (!file.Exists) return Array.Empty<byte>();
                long length = file.Length, ticks = file.LastWriteTimeUtc.Ticks;
                if (Cache.TryGetValue(path, out var e) && e.Length == length && e.Ticks == ticks) return e.Hash;
                var hash = KeyHasher.Fingerprint(File.ReadAllBytes(path));
                Cache[path] = new Entry(length, ticks, hash);
                return hash;
            }
            catch (IOException) { return Array.Empty<byte>(); }
            catch (UnauthorizedAccessException) { return Array.Empty<byte>(); }
        }

        private sealed class Entry
        {
            public Entry(long length, long ticks, byte[] hash)
            {
                Length = length;
                Ticks = ticks;
                Hash = hash;
            }

            public long Length { get; }
            public long Ticks { get; }
            public byte[] Hash { get; }
        }
    }
}
