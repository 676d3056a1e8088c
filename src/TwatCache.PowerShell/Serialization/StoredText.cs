using System.Text;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>One stored item's CliXml as UTF-8 bytes inside its payload (no copy); default for a null item.</summary>
    internal readonly struct StoredText
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false);

        public StoredText(byte[] payload, int offset, int count)
        {
            Payload = payload;
            Offset = offset;
            Count = count;
        }

        public byte[]? Payload { get; }

        public int Offset { get; }

        /// <summary>Length in bytes (at least the length in characters).</summary>
        public int Count { get; }

        public bool IsNull => Payload == null;

        /// <summary>The text as a string (what BinaryReader.ReadString gave: invalid bytes become U+FFFD).</summary>
        public string Decode() => Utf8.GetString(Payload!, Offset, Count);

        /// <summary>Decodes into <paramref name="buffer"/> (grown when too small); returns the character count.</summary>
        public int DecodeInto(ref char[] buffer)
        {
            int max = Utf8.GetMaxCharCount(Count);
            if (buffer.Length < max)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(buffer);
                buffer = System.Buffers.ArrayPool<char>.Shared.Rent(max);
            }
            return Utf8.GetChars(Payload!, Offset, Count, buffer, 0);
        }
    }
}
