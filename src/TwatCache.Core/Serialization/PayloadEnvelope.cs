using System;
using System.IO;
using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace TwatCache.Serialization
{
    /// <summary>
    /// The wrapper around every persistent payload, applied by the context before any engine sees it.
    /// Layout (little endian): magic "TC", version (1), flags (1 = deflated, 2 = HMAC), serializer format
    /// id (int32), original length (int32), body length (int32), XxHash64 of the body (8 bytes), then the
    /// HMAC-SHA256 of everything else (32 bytes, when flag 2), then the body. The HMAC also covers the
    /// hashed cache key the payload was written under, so a signed payload copied onto another key (by
    /// anyone who can write to a shared store) fails verification instead of becoming a wrong hit.
    /// </summary>
    internal static class PayloadEnvelope
    {
        /// <summary>The envelope version written; other versions are read as misses.</summary>
        public const byte Version = 2;

        private const byte FlagDeflate = 1, FlagHmac = 2;
        private const int HeaderLength = 2 + 1 + 1 + 4 + 4 + 4 + 8;
        private const int MacLength = 32;

        /// <summary>
        /// Wraps <paramref name="body"/>; compresses it when longer than <paramref name="compressAbove"/> and the
        /// result is smaller; signs it, bound to <paramref name="entryKey"/>, when <paramref name="key"/> is set.
        /// </summary>
        public static byte[] Seal(byte[] body, int formatId, int compressAbove, byte[]? key, string entryKey = "")
        {
            if (body == null) throw new ArgumentNullException(nameof(body));
            byte flags = 0;
            var stored = body;
            if (compressAbove >= 0 && body.Length > compressAbove)
            {
                var deflated = Deflate(body);
                if (deflated.Length < body.Length)
                {
                    stored = deflated;
                    flags |= FlagDeflate;
                }
            }
            if (key != null) flags |= FlagHmac;
            int macLength = key != null ? MacLength : 0;
            var result = new byte[HeaderLength + macLength + stored.Length];
            result[0] = (byte)'T';
            result[1] = (byte)'C';
            result[2] = Version;
            result[3] = flags;
            WriteInt32(result, 4, formatId);
            WriteInt32(result, 8, body.Length);
            WriteInt32(result, 12, stored.Length);
            Buffer.BlockCopy(XxHash64.Hash(stored), 0, result, 16, 8);
            Buffer.BlockCopy(stored, 0, result, HeaderLength + macLength, stored.Length);
            if (key != null) Buffer.BlockCopy(Mac(result, key, entryKey), 0, result, HeaderLength, MacLength);
            return result;
        }

        /// <summary>
        /// Unwraps a sealed payload. False (with the reason) for anything that is not an intact envelope of
        /// this version: damage, a failed checksum or HMAC, a missing HMAC when <paramref name="key"/> is set,
        /// or a payload signed for another <paramref name="entryKey"/>.
        /// </summary>
        public static bool TryOpen(byte[] sealedPayload, byte[]? key, out int formatId, out byte[] body, out string problem, string entryKey = "")
        {
            formatId = 0;
            body = Array.Empty<byte>();
            var d = sealedPayload;
            if (d == null || d.Length < HeaderLength || d[0] != (byte)'T' || d[1] != (byte)'C') return Fail("not an envelope", out problem);
            if (d[2] != Version) return Fail($"envelope version {d[2]}", out problem);
            byte flags = d[3];
            int macLength = (flags & FlagHmac) != 0 ? MacLength : 0;
            int originalLength = ReadInt32(d, 8), storedLength = ReadInt32(d, 12);
            if (storedLength < 0 || originalLength < 0 || d.Length != HeaderLength + macLength + storedLength) return Fail("truncated or padded", out problem);
            if (key != null)
            {
                if (macLength == 0) return Fail("unsigned payload", out problem);
                var expected = Mac(d, key, entryKey);
                if (!FixedTimeEquals(expected, d, HeaderLength)) return Fail("HMAC mismatch", out problem);
            }
            var stored = new byte[storedLength];
            Buffer.BlockCopy(d, HeaderLength + macLength, stored, 0, storedLength);
            var sum = XxHash64.Hash(stored);
            for (int i = 0; i < 8; i++)
            {
                if (sum[i] != d[16 + i]) return Fail("checksum mismatch", out problem);
            }
            try
            {
                body = (flags & FlagDeflate) != 0 ? Inflate(stored, originalLength) : stored;
            }
            catch (InvalidDataException)
            {
                return Fail("bad compressed data", out problem);
            }
            if (body.Length != originalLength) return Fail("length mismatch", out problem);
            formatId = ReadInt32(d, 4);
            problem = string.Empty;
            return true;
        }

        private static bool Fail(string why, out string problem)
        {
            problem = why;
            return false;
        }

        // The MAC covers the entry key (length-prefixed), the header and the body, not the MAC slot itself.
        // One HMAC object per thread and key: creating one costs more than hashing a small payload, and a
        // persistent hit checks one MAC per entry. HashAlgorithm resets itself after TransformFinalBlock.
        [ThreadStatic] private static HMACSHA256? _hmac;
        [ThreadStatic] private static byte[]? _hmacKey;
        [ThreadStatic] private static byte[]? _macInput;
        private const int MacBufferLength = 16 * 1024; // larger payloads are hashed in place, a few calls each

        private static HMACSHA256 HmacFor(byte[] key)
        {
            if (_hmac == null || !ReferenceEquals(_hmacKey, key))
            {
                _hmac?.Dispose();
                _hmac = new HMACSHA256(key);
                _hmacKey = key;
            }
            return _hmac;
        }

        private static byte[] Mac(byte[] sealedPayload, byte[] key, string entryKey)
        {
            var hmac = HmacFor(key);
            try
            {
                // The MAC's input: the key's UTF-8 length (int32, little endian) and bytes, the header, the body.
                // A small payload's goes into one buffer, hashed in one call: on Linux each call is a call into
                // OpenSSL, and four per payload were most of a persistent hit's envelope cost (issue 17's profile).
                var text = entryKey ?? string.Empty;
                int keyLength = System.Text.Encoding.UTF8.GetByteCount(text);
                int bodyStart = HeaderLength + MacLength, bodyLength = sealedPayload.Length - bodyStart;
                int total = 4 + keyLength + HeaderLength + bodyLength;
                if (total <= MacBufferLength)
                {
                    var input = _macInput ??= new byte[MacBufferLength];
                    WriteInt32(input, 0, keyLength);
                    System.Text.Encoding.UTF8.GetBytes(text, 0, text.Length, input, 4);
                    Buffer.BlockCopy(sealedPayload, 0, input, 4 + keyLength, HeaderLength);
                    Buffer.BlockCopy(sealedPayload, bodyStart, input, 4 + keyLength + HeaderLength, bodyLength);
                    hmac.TransformFinalBlock(input, 0, total);
                    return hmac.Hash!;
                }
                var keyBytes = System.Text.Encoding.UTF8.GetBytes(text);
                var lengthBytes = new byte[4];
                WriteInt32(lengthBytes, 0, keyBytes.Length);
                hmac.TransformBlock(lengthBytes, 0, 4, null, 0);
                hmac.TransformBlock(keyBytes, 0, keyBytes.Length, null, 0);
                hmac.TransformBlock(sealedPayload, 0, HeaderLength, null, 0);
                hmac.TransformFinalBlock(sealedPayload, bodyStart, bodyLength);
                return hmac.Hash!;
            }
            catch
            {
                _hmac = null; // never reuse an object left mid-hash
                hmac.Dispose();
                throw;
            }
        }

        private static bool FixedTimeEquals(byte[] expected, byte[] data, int offset)
        {
            int diff = 0;
            for (int i = 0; i < expected.Length; i++) diff |= expected[i] ^ data[offset + i];
            return diff == 0;
        }

        private static byte[] Deflate(byte[] body)
        {
            using var output = new MemoryStream(body.Length / 2 + 64);
            using (var deflate = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(body, 0, body.Length);
            return output.ToArray();
        }

        private static byte[] Inflate(byte[] stored, int originalLength)
        {
            var result = new byte[originalLength];
            using var input = new DeflateStream(new MemoryStream(stored), CompressionMode.Decompress);
            int read = 0, n;
            while (read < originalLength && (n = input.Read(result, read, originalLength - read)) > 0) read += n;
            if (read != originalLength || input.ReadByte() != -1) throw new InvalidDataException("length mismatch");
            return result;
        }

        private static void WriteInt32(byte[] b, int offset, int v)
        {
            b[offset] = (byte)v;
            b[offset + 1] = (byte)(v >> 8);
            b[offset + 2] = (byte)(v >> 16);
            b[offset + 3] = (byte)(v >> 24);
        }

        private static int ReadInt32(byte[] b, int offset) => b[offset] | (b[offset + 1] << 8) | (b[offset + 2] << 16) | (b[offset + 3] << 24);
    }
}
