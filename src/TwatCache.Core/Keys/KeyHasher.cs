using System;
using System.IO.Hashing;
using System.Text;

namespace TwatCache.Keys
{
    /// <summary>
    /// Turns canonical key bytes into the stored key: XxHash128 over a versioned prefix, the context
    /// namespace and the canonical bytes, as 32 lowercase hex characters. Stable across processes,
    /// machines and .NET versions; bump <see cref="FormatVersion"/> whenever the canonical form changes.
    /// </summary>
    public static class KeyHasher
    {
        /// <summary>Version of the key format; part of every hash so old keys simply miss after a change.</summary>
        public const int FormatVersion = 1;

        private static readonly byte[] Prefix = Encoding.ASCII.GetBytes("twatcache-key/" + FormatVersion + "\n");

        /// <summary>Hashes canonical key bytes within a namespace (the context name).</summary>
        public static string Hash(string ns, byte[] canonical)
        {
            var hasher = new XxHash128();
            hasher.Append(Prefix);
            var nsBytes = Encoding.UTF8.GetBytes(ns);
            hasher.Append(BitConverter.GetBytes(nsBytes.Length));
            hasher.Append(nsBytes);
            hasher.Append(canonical);
            return ToHex(hasher.GetCurrentHash());
        }

        /// <summary>Hashes a plain string key, as the C# API and PowerShell's <c>-Key 'text'</c> both do.</summary>
        public static string HashString(string ns, string key)
        {
            var w = new CanonicalKeyWriter();
            w.WriteString(key);
            return Hash(ns, w.ToArray());
        }

        /// <summary>XxHash128 of arbitrary bytes (used to fingerprint script text once per block).</summary>
        public static byte[] Fingerprint(byte[] data) => XxHash128.Hash(data);

        private static string ToHex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (var b in bytes) sb.Append(b.ToString("x2"));
            return sb.ToString();
        }
    }
}
