using System;
using System.IO;
using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace TwatCache.Keys
{
    /// <summary>
    /// Turns canonical key bytes into the stored key: XxHash128 over a versioned prefix, the context
    /// namespace and the canonical bytes, as 32 lowercase hex characters. Stable across processes,
    /// machines and .NET versions; bump <see cref="FormatVersion"/> whenever the canonical form changes.
    /// </summary>
    internal static class KeyHasher
    {
        /// <summary>Version of the key format; part of every hash so old keys simply miss after a change.</summary>
        public const int FormatVersion = 2;

        private static readonly byte[] Prefix = Encoding.ASCII.GetBytes("twatcache-key/" + FormatVersion + "\n");

        /// <summary>Hashes canonical key bytes within a namespace (the context name).</summary>
        public static string Hash(string ns, byte[] canonical)
        {
            if (canonical == null) throw new ArgumentNullException(nameof(canonical));
            int nsLength = Encoding.UTF8.GetByteCount(ns);
            var buffer = ArrayPool<byte>.Shared.Rent(Prefix.Length + 4 + nsLength + canonical.Length);
            try
            {
                int at = WriteHeader(buffer, ns, nsLength);
                Buffer.BlockCopy(canonical, 0, buffer, at, canonical.Length);
                return HashToHex(buffer, at + canonical.Length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>Hashes a plain string key, as the C# API and PowerShell's <c>-Key 'text'</c> both do.</summary>
        /// <remarks>Same bytes as <see cref="CanonicalKeyWriter.WriteString"/> then <see cref="Hash"/>, built in one pooled buffer (this runs on every C# lookup).</remarks>
        public static string HashString(string ns, string key)
        {
            if (key == null) throw new ArgumentNullException(nameof(key));
            if (StringForms.HasLoneSurrogate(key))
            {
                // UTF-8 cannot carry a lone surrogate; the writer's exact UTF-16 form keeps it apart from U+FFFD.
                var writer = new CanonicalKeyWriter();
                writer.WriteString(key);
                return Hash(ns, writer.ToArray());
            }
            int nsLength = Encoding.UTF8.GetByteCount(ns);
            int keyLength = Encoding.UTF8.GetByteCount(key);
            var buffer = ArrayPool<byte>.Shared.Rent(Prefix.Length + 4 + nsLength + 5 + keyLength);
            try
            {
                int at = WriteHeader(buffer, ns, nsLength);
                buffer[at++] = (byte)'S';
                for (int i = 0; i < 4; i++) buffer[at++] = (byte)(keyLength >> (8 * i));
                at += Encoding.UTF8.GetBytes(key, 0, key.Length, buffer, at);
                return HashToHex(buffer, at);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        // Prefix, the namespace's byte length (in machine order, as BitConverter wrote it since format 1), the namespace.
        private static int WriteHeader(byte[] buffer, string ns, int nsLength)
        {
            Buffer.BlockCopy(Prefix, 0, buffer, 0, Prefix.Length);
            int at = Prefix.Length;
            for (int i = 0; i < 4; i++)
                buffer[at + i] = (byte)(nsLength >> (8 * (BitConverter.IsLittleEndian ? i : 3 - i)));
            at += 4;
            return at + Encoding.UTF8.GetBytes(ns, 0, ns.Length, buffer, at);
        }

        private static string HashToHex(byte[] buffer, int length)
        {
            Span<byte> hash = stackalloc byte[16];
            XxHash128.Hash(new ReadOnlySpan<byte>(buffer, 0, length), hash);
            return ToHex(hash);
        }

        /// <summary>XxHash128 of arbitrary bytes (used to fingerprint script text once per block).</summary>
        public static byte[] Fingerprint(byte[] data) => XxHash128.Hash(data);

        /// <summary>XxHash128 of a stream's content from its position to its end (a file read once, in chunks).</summary>
        public static byte[] Fingerprint(Stream data)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            var hash = new XxHash128();
            hash.Append(data);
            return hash.GetCurrentHash();
        }

        // One char array and one string per key (this runs on every lookup; b.ToString("x2") allocated 16 strings).
        private static string ToHex(ReadOnlySpan<byte> bytes)
        {
            const string digits = "0123456789abcdef";
            var chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = digits[bytes[i] >> 4];
                chars[2 * i + 1] = digits[bytes[i] & 0xF];
            }
            return new string(chars);
        }
    }
}
