using System;
using System.IO;
using System.Text;

namespace TwatCache.Keys
{
    /// <summary>
    /// Writes values in a canonical, type-tagged byte form: the same value gives the same bytes in every
    /// process and on every machine (no <see cref="object.GetHashCode"/>, no culture). Every item is
    /// self-delimiting (tag + length or fixed width), so concatenations never collide.
    /// </summary>
    internal sealed class CanonicalKeyWriter
    {
        private readonly MemoryStream _buffer = new MemoryStream(128);

        /// <summary>Number of bytes written so far.</summary>
        public long Length => _buffer.Length;

        /// <summary>The canonical bytes written so far.</summary>
        public byte[] ToArray() => _buffer.ToArray();

        /// <summary>Writes a null.</summary>
        public void WriteNull() => _buffer.WriteByte(KeyTags.Null);

        /// <summary>Writes a boolean.</summary>
        public void WriteBool(bool value) => _buffer.WriteByte(value ? KeyTags.True : KeyTags.False);

        /// <summary>Writes a 64-bit integer under the generic integer tag (structure counts, not typed values).</summary>
        public void WriteInt64(long value)
        {
            _buffer.WriteByte(KeyTags.Int64);
            WriteRaw64(unchecked((ulong)value));
        }

        /// <summary>Writes a double by its exact bits: -0 is not 0, and each NaN payload is its own value.</summary>
        public void WriteDouble(double value)
        {
            _buffer.WriteByte(KeyTags.Double);
            WriteRaw64(unchecked((ulong)BitConverter.DoubleToInt64Bits(value)));
        }

        /// <summary>
        /// Writes a string as length-prefixed UTF-8. A string with a lone surrogate (which UTF-8 would turn
        /// into U+FFFD, colliding with a real U+FFFD) is written as its UTF-16 code units under its own tag.
        /// </summary>
        public void WriteString(string value)
        {
            if (StringForms.HasLoneSurrogate(value)) WriteTagged(KeyTags.Utf16String, Encoding.Unicode.GetBytes(value));
            else WriteTagged(KeyTags.String, Encoding.UTF8.GetBytes(value));
        }

        /// <summary>Writes raw bytes as a length-prefixed blob.</summary>
        public void WriteBytes(byte[] value) => WriteTagged(KeyTags.Bytes, value);

        /// <summary>Writes a value whose canonical text is given, under its own tag so it never equals a plain string.</summary>
        public void WriteTaggedText(char tag, string text) => WriteTagged((byte)tag, Encoding.UTF8.GetBytes(text));

        /// <summary>Starts a list of <paramref name="count"/> items; the items follow.</summary>
        public void BeginList(int count)
        {
            _buffer.WriteByte(KeyTags.List);
            WriteRaw32(count);
        }

        /// <summary>Writes the identity of a .NET type: its assembly-qualified name, plus a per-process id for types built at run time.</summary>
        public void WriteType(Type type)
        {
            var id = TypeIdentity.Of(type);
            _buffer.WriteByte(KeyTags.Type);
            _buffer.Write(id, 0, id.Length);
        }

        /// <summary>Writes one tag byte (see the forms in <see cref="KeyCanonicalizer"/>).</summary>
        public void WriteTag(byte tag) => _buffer.WriteByte(tag);

        /// <summary>Writes a 32-bit value, little-endian, untagged (inside a tagged form).</summary>
        public void WriteRaw32(int value)
        {
            for (int i = 0; i < 4; i++) _buffer.WriteByte((byte)(value >> (8 * i)));
        }

        /// <summary>Writes a 64-bit value, little-endian, untagged (inside a tagged form).</summary>
        public void WriteRaw64(ulong value)
        {
            for (int i = 0; i < 8; i++) _buffer.WriteByte((byte)(value >> (8 * i)));
        }

        /// <summary>Appends bytes produced by another writer (a nested, already canonical value).</summary>
        public void WriteEncoded(byte[] encoded) => _buffer.Write(encoded, 0, encoded.Length);

        /// <summary>
        /// Writes a value of a well-known immutable type in its exact form and returns true, or returns false
        /// (writing nothing) when the value is something the caller must walk.
        /// </summary>
        public bool TryWriteScalar(object? value) => ScalarForms.TryWrite(this, value);

        internal void WriteTagged(byte tag, byte[] payload)
        {
            _buffer.WriteByte(tag);
            WriteRaw32(payload.Length);
            _buffer.Write(payload, 0, payload.Length);
        }

        internal static int CompareBytes(byte[] a, byte[] b)
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
