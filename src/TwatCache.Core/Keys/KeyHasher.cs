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
        public static string Hash(string ns, byte[] canonical) => new string(HashDigits(ns, canonical));

        private static char[] HashDigits(string ns, byte[] canonical)
        {
            if (canonical == null) throw new ArgumentNullException(nameof(canonical));
            int nsLength = Encoding.UTF8.GetByteCount(ns);
            var buffer = ArrayPool<byte>.Shared.Rent(Prefix.Length + 4 + nsLength + canonical.Length);
            try
            {
                int at = WriteHeader(buffer, ns, nsLength);
                Buffer.BlockCopy(canonical, 0, buffer, at, canonical.Length);
                Span<byte> hash = stackalloc byte[16];
                XxHash128.Hash(new ReadOnlySpan<byte>(buffer, 0, at + canonical.Length), hash);
                return HexDigits(hash);
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

        /// <summary>Hex digits of a block key that name its family (<see cref="FamilyOf"/>).</summary>
        public const int FamilyLength = 8;

        private static readonly byte[] FamilyPrefixBytes = Encoding.ASCII.GetBytes("twatcache-family/1\n");

        /// <summary>
        /// The family of a script block's keys in a namespace: <see cref="FamilyLength"/> hex digits from the
        /// block's fingerprint, which <see cref="HashInFamily"/> puts first in every key of the block. Keys sort
        /// by family in a store's primary index, so one range scan reads a block's entries (a pipeline's hits).
        /// </summary>
        public static string FamilyOf(string ns, byte[] blockFingerprint)
        {
            if (blockFingerprint == null) throw new ArgumentNullException(nameof(blockFingerprint));
            int nsLength = Encoding.UTF8.GetByteCount(ns);
            var buffer = new byte[FamilyPrefixBytes.Length + 4 + nsLength + blockFingerprint.Length];
            Buffer.BlockCopy(FamilyPrefixBytes, 0, buffer, 0, FamilyPrefixBytes.Length);
            int at = FamilyPrefixBytes.Length;
            for (int i = 0; i < 4; i++) buffer[at++] = (byte)(nsLength >> (8 * i));
            at += Encoding.UTF8.GetBytes(ns, 0, ns.Length, buffer, at);
            Buffer.BlockCopy(blockFingerprint, 0, buffer, at, blockFingerprint.Length);
            return ToHex(new ReadOnlySpan<byte>(XxHash64.Hash(buffer), 0, FamilyLength / 2));
        }

        /// <summary>
        /// A key of a family: the family's digits, then the last 24 digits of <see cref="Hash"/> of the same
        /// bytes. Two keys are equal only if those 96 bits of the full hash are (the family is a function of
        /// the bytes already), so keys stay as far apart as ever for any practical count of entries.
        /// </summary>
        public static string HashInFamily(string ns, string family, byte[] canonical)
        {
            if (family == null || family.Length != FamilyLength) throw new ArgumentException("A family is " + FamilyLength + " hex digits.", nameof(family));
            var digits = HashDigits(ns, canonical);
            family.CopyTo(0, digits, 0, FamilyLength);
            return new string(digits);
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
        private static string ToHex(ReadOnlySpan<byte> bytes) => new string(HexDigits(bytes));

        private static char[] HexDigits(ReadOnlySpan<byte> bytes)
        {
            const string digits = "0123456789abcdef";
            var chars = new char[bytes.Length * 2];
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[2 * i] = digits[bytes[i] >> 4];
                chars[2 * i + 1] = digits[bytes[i] & 0xF];
            }
            return chars;
        }
    }
}
