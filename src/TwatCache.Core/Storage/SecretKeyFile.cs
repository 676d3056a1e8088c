using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

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

        /// <summary>Reads the root's key file, creating it (atomically, owner-only) when missing or damaged.</summary>
        public static byte[] LoadOrCreate(string root)
        {
            var path = Path.Combine(root, FileName);
            for (int attempt = 0; attempt < 3; attempt++)
            {
                var existing = TryRead(path);
                if (existing != null) return existing;
                var key = new byte[KeyLength];
                using (var rng = RandomNumberGenerator.Create()) rng.GetBytes(key);
                var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
                using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    UnixPermissions.Set(temp, UnixPermissions.OwnerOnlyFile);
                    fs.Write(key, 0, key.Length);
                }
                try
                {
                    if (File.Exists(path)) File.Delete(path); // only reached when the file is damaged
                    File.Move(temp, path);                    // fails when another process won the race
                    return key;
                }
                catch (IOException)
                {
                    File.Delete(temp);
                }
            }
            throw new CachePathException($"The key file '{path}' cannot be created or read.");
        }

        private static byte[]? TryRead(string path)
        {
            try
            {
                var bytes = File.ReadAllBytes(path);
                return bytes.Length == KeyLength ? bytes : null;
            }
            catch (FileNotFoundException)
            {
                return null;
            }
        }
    }
}
