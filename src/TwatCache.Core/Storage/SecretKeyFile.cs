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
    internal static class SecretKeyFile
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
        /// process that calls this at once on a new root gets the same key: the file is created or replaced
        /// only under a lock file (<c>secret.key.lock</c>), by the first caller that finds it missing or
        /// damaged there, and readers only ever see a complete file (it is renamed into place).
        /// </summary>
        public static byte[] LoadOrCreate(string root)
        {
            var path = Path.Combine(root, FileName);
            var existing = TryRead(path, out _);
            if (existing != null) return existing;
            // (File.Move's "fails when the target exists" is a check then a rename on Unix, not atomic: two
            // processes creating the key at once could each keep their own, and one's entries would look
            // tampered to the other. Hence the lock.)
            using (new LockFileLocks(root).AcquireLock(FileName, TimeSpan.FromSeconds(30)))
            {
                existing = TryRead(path, out bool damaged);
                if (existing != null) return existing; // another caller created or replaced it meanwhile
                if (damaged) File.Delete(path);
                var key = NewKey();
                Install(path, key);
                return key;
            }
        }

        private static byte[] NewKey()
        {
            var key = new byte[KeyLength];
            using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(key);
            return key;
        }

        // Writes the key to a temporary file and renames it to `path` (called under the lock, with no file there).
        private static void Install(string path, byte[] key)
        {
            var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                UnixPermissions.Set(temp, UnixPermissions.OwnerOnlyFile);
                fs.Write(key, 0, key.Length);
            }
            try
            {
                File.Move(temp, path);
            }
            catch
            {
                File.Delete(temp);
                throw;
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
