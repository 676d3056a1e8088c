using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace TwatCache.Keys
{
    /// <summary>
    /// Writes values in a canonical, type-tagged byte form: the same logical value gives the same bytes
    /// in every process and on every machine (no <see cref="object.GetHashCode"/>, no culture).
    /// Every item is self-delimiting (tag + length or fixed width), so concatenations never collide.
    /// </summary>
    public sealed class CanonicalKeyWriter
    {
        private readonly MemoryStream _buffer = new MemoryStream(128);

        /// <summary>Number of bytes written so far.</summary>
        public long Length => _buffer.Length;

        /// <summary>The canonical bytes written so far.</summary>
        public byte[] ToArray() => _buffer.ToArray();

        /// <summary>Writes a null.</summary>
        public void WriteNull() => _buffer.WriteByte((byte)'N');

        /// <summary>Writes a boolean.</summary>
        public void WriteBool(bool value) => _buffer.WriteByte(value ? (byte)'T' : (byte)'F');

        /// <summary>Writes any integral number that fits in 64 signed bits (all integer types meet here).</summary>
        public void WriteInt64(long value)
        {
            _buffer.WriteByte((byte)'I');
            WriteRaw64(unchecked((ulong)value));
        }

        /// <summary>Writes a floating-point number; -0 and 0 are one value, every NaN is one value.</summary>
        public void WriteDouble(double value)
        {
            if (value == 0) value = 0;
            if (double.IsNaN(value)) value = double.NaN;
            _buffer.WriteByte((byte)'D');
            WriteRaw64(unchecked((ulong)BitConverter.DoubleToInt64Bits(value)));
        }

        /// <summary>Writes a string as length-prefixed UTF-8.</summary>
        public void WriteString(string value) => WriteTagged((byte)'S', Encoding.UTF8.GetBytes(value));

        /// <summary>Writes raw bytes as a length-prefixed blob.</summary>
        public void WriteBytes(byte[] value) => WriteTagged((byte)'B', value);

        /// <summary>Writes a value whose canonical text is given, under its own tag so it never equals a plain string.</summary>
        public void WriteTaggedText(char tag, string text) => WriteTagged((byte)tag, Encoding.UTF8.GetBytes(text));

        /// <summary>Starts a list of <paramref name="count"/> items; the items follow.</summary>
        public void BeginList(int count)
        {
            _buffer.WriteByte((byte)'L');
            WriteRaw32(count);
        }

        /// <summary>Starts an object of a type with <paramref name="propertyCount"/> properties; name/value pairs follow in ordinal order.</summary>
        public void BeginObject(string typeName, int propertyCount)
        {
            _buffer.WriteByte((byte)'O');
            WriteString(typeName);
            WriteRaw32(propertyCount);
        }

        /// <summary>
        /// Writes a map from already-encoded entries (key bytes, value bytes), sorted by key bytes so that
        /// insertion order never changes the key. Duplicate encoded keys are an error.
        /// </summary>
        public void WriteMap(List<KeyValuePair<byte[], byte[]>> entries)
        {
            entries.Sort((a, b) => CompareBytes(a.Key, b.Key));
            _buffer.WriteByte((byte)'H');
            WriteRaw32(entries.Count);
            for (int i = 0; i < entries.Count; i++)
            {
                if (i > 0 && CompareBytes(entries[i - 1].Key, entries[i].Key) == 0)
                    throw new CacheKeyException("A dictionary has two keys with the same canonical form; it cannot be keyed without ambiguity.");
                _buffer.Write(entries[i].Key, 0, entries[i].Key.Length);
                _buffer.Write(entries[i].Value, 0, entries[i].Value.Length);
            }
        }

        /// <summary>Appends bytes produced by another writer (a nested, already canonical value).</summary>
        public void WriteEncoded(byte[] encoded) => _buffer.Write(encoded, 0, encoded.Length);

        /// <summary>
        /// Writes a scalar of a well-known type and returns true, or returns false (writing nothing) when
        /// the value is a composite that the caller must walk.
        /// </summary>
        public bool TryWriteScalar(object? value)
        {
            switch (value)
            {
                case null: WriteNull(); return true;
                case string s: WriteString(s); return true;
                case bool b: WriteBool(b); return true;
                case char c: WriteTaggedText('C', c.ToString()); return true;
                case Enum e:
                    WriteTaggedText('E', e.GetType().FullName + ":" + Convert.ToUInt64(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                    return true;
                case sbyte or byte or short or ushort or int or uint or long:
                    WriteInt64(Convert.ToInt64(value, CultureInfo.InvariantCulture)); return true;
                case ulong ul:
                    if (ul <= long.MaxValue) WriteInt64((long)ul); else WriteTaggedText('U', ul.ToString(CultureInfo.InvariantCulture));
                    return true;
                case float f: WriteDouble(f); return true;
                case double d: WriteDouble(d); return true;
                case decimal m: WriteTaggedText('M', m.ToString(CultureInfo.InvariantCulture)); return true;
                case System.Numerics.BigInteger bi: WriteTaggedText('Z', bi.ToString(CultureInfo.InvariantCulture)); return true;
                case DateTime dt: WriteTaggedText('t', dt.Kind + "|" + dt.ToString("O", CultureInfo.InvariantCulture)); return true;
                case DateTimeOffset dto: WriteTaggedText('o', dto.ToString("O", CultureInfo.InvariantCulture)); return true;
                case TimeSpan ts: WriteTaggedText('P', ts.Ticks.ToString(CultureInfo.InvariantCulture)); return true;
                case Guid g: WriteTaggedText('G', g.ToString("D")); return true;
                case byte[] bytes: WriteBytes(bytes); return true;
                case Uri uri: WriteTaggedText('R', uri.OriginalString); return true;
                case Version v: WriteTaggedText('V', v.ToString()); return true;
                case System.Net.IPAddress ip: WriteTaggedText('A', ip.ToString()); return true;
                case Type t: WriteTaggedText('Y', t.AssemblyQualifiedName ?? t.FullName ?? t.Name); return true;
                case System.Text.RegularExpressions.Regex rx: WriteTaggedText('X', ((int)rx.Options).ToString(CultureInfo.InvariantCulture) + "|" + rx); return true;
                default: return false;
            }
        }

        private void WriteTagged(byte tag, byte[] payload)
        {
            _buffer.WriteByte(tag);
            WriteRaw32(payload.Length);
            _buffer.Write(payload, 0, payload.Length);
        }

        private void WriteRaw32(int value)
        {
            for (int i = 0; i < 4; i++) _buffer.WriteByte((byte)(value >> (8 * i)));
        }

        private void WriteRaw64(ulong value)
        {
            for (int i = 0; i < 8; i++) _buffer.WriteByte((byte)(value >> (8 * i)));
        }

        private static int CompareBytes(byte[] a, byte[] b)
        {
            int n = Math.Min(a.Length, b.Length);
            for (int i = 0; i < n; i++)
            {
                int c = a[i].CompareTo(b[i]);
                if (c != 0) return c;
            }
            return a.Length.CompareTo(b.Length);
        }
    }
}
