using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using TwatCache.Locking;

namespace TwatCache.Storage
{
    /// <summary>
    /// The HMAC key of a context: <see cref="CacheOptions.Secret"/>, else <c>$TWATCACHE_SECRET</c>, else a
    /// per-user random key kept in <c>secret.key</c> (0600) in the cache root, created on first use.
    /// </summary>
    public static class SecretKeyFile
    {
        /// <summary>Environment variable holding a shared secret (for stores shared between users or hosts).</summary>
        public const string EnvironmentVariable = "TWATCACHE_SECRET";

        /// <summary>Name of the key file in the root.</summary>
        public const string FileName = "secret.key";

        private const int KeyLength = 32;

        /// <summary>The explicit secret (option, then environment) as bytes, or null when neither is set.</summary>
        public static byte[]? Explicit(string? optionSecret)
        {
            var text = !string.IsNullOrEmpty(optionSecret) ? optionSecret : Environment.GetEnvironmentVariable(EnvironmentVariable);
            return string.IsNullOrEmpty(text) ? null : Encoding.UTF8.GetBytes(text);
        }

        /// <summary>
        /// Reads the root's key file, creating it (atomically, owner-only) when missing or damaged. Every
        /// process that calls this at once on a new root gets the same key: a key file, once in place, is
        /// never replaced unless it is damaged, and a damaged one is replaced under a lock file.
        /// </summary>
        public static byte[] LoadOrCreate(string root)
        {
            var path = Path.Combine(root, FileName);
            for (int attempt = 0; attempt < 5; attempt++)
            {
                var existing = TryRead(path, out bool damaged);
                if (existing != null) return existing;
                if (damaged) return ReplaceDamaged(root, path);
                // File.Move never overwrites: when another process put its key in place first, this move
                // fails and the next round reads that key. (Deleting "a file that looked missing a moment
                // ago" here once let two processes on a new root keep two different keys.)
                if (TryInstall(path, NewKey(), out var installed)) return installed;
            }
            throw new CachePathException($"The key file '{path}' cannot be created or read.");
        }

        // Under a lock, so that concurrent callers replace a damaged file once and all read the same new key.
        private static byte[] ReplaceDamaged(string root, string path)
        {
            using (new LockFileLocks(root).AcquireLock(FileName, TimeSpan.FromSeconds(30)))
            {
                var existing = TryRead(path, out bool damaged);
                if (existing != null) return existing; // another caller replaced it meanwhile
                if (damaged) File.Delete(path);
                if (TryInstall(path, NewKey(), out var installed)) return installed;
                return TryRead(path, out _) ?? throw new CachePathException($"The key file '{path}' cannot be created or read.");
            }
        }

        private static byte[] NewKey()
        {
            var key = new byte[KeyLength];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(key);
            return key;
        }

        // Writes the key to a temporary file and moves it to `path` unless a file is already there.
        private static bool TryInstall(string path, byte[] key, out byte[] installed)
        {
            installed = key;
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                UnixPermissions.Set(temp, UnixPermissions.OwnerOnlyFile);
                fs.Write(key, 0, key.Length);
            }
            try
            {
                File.Move(temp, path);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
                return false;
            }
        }

        // The key, or null with `damaged` telling a file of the wrong length from a missing one.
        private static byte[]? TryRead(string path, out bool damaged)
        {
            damaged = false;
            try
            {
                var bytes = File.ReadAllBytes(path);
                if (bytes.Length == KeyLength) return bytes;
                damaged = true;
                return null;
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }
}
