using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// The bytes of a stored <see cref="CachedOutput"/>: the magic "TCO2", whether an exit code was set and
    /// its value, the item count, then each item as null or its own CliXml document. Payloads of the first
    /// format are one CliXml document and start with '&lt;', so the two never mix up. A result with
    /// -ReplayStreams records is "TCO3": the same, then the records (see <see cref="StreamRecord"/>); a build
    /// that knows only TCO2 reads it as the first format, fails (it is not XML) and treats it as a miss.
    /// </summary>
    internal static class CachedOutputPayload
    {
        private static readonly byte[] Magic = { (byte)'T', (byte)'C', (byte)'O', (byte)'2' };
        private static readonly byte[] MagicWithRecords = { (byte)'T', (byte)'C', (byte)'O', (byte)'3' };
        private const byte NullItem = 0, XmlItem = 1;

        public static bool IsCurrent(byte[] payload) => Starts(payload, Magic) || Starts(payload, MagicWithRecords);

        private static bool Starts(byte[] payload, byte[] magic)
        {
            if (payload.Length < magic.Length) return false;
            for (int i = 0; i < magic.Length; i++) if (payload[i] != magic[i]) return false;
            return true;
        }

        public static byte[] Write(CachedOutput output)
        {
            using var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream, new UTF8Encoding(false), leaveOpen: true))
            {
                bool records = output.StreamsRecorded;
                w.Write(records ? MagicWithRecords : Magic);
                w.Write(output.ExitCode.HasValue);
                w.Write(output.ExitCode ?? 0);
                w.Write(output.Count);
                foreach (var item in output.StoredItems)
                {
                    if (item == null)
                    {
                        w.Write(NullItem);
                        continue;
                    }
                    w.Write(XmlItem);
                    w.Write(item is CachedOutput.FrozenItem f ? f.Xml : PSSerializer.Serialize(item, 1));
                }
                if (records) StreamRecordCodec.Write(w, output.Records);
            }
            return stream.ToArray();
        }

        public static CachedOutput Read(byte[] payload)
        {
            var parsed = Parse(payload);
            var values = new object?[parsed.Items.Length];
            for (int i = 0; i < values.Length; i++)
            {
                if (!parsed.Items[i].IsNull) values[i] = PSSerializer.Deserialize(parsed.Items[i].Decode());
            }
            return parsed.Build(values);
        }

        /// <summary>
        /// Reads many payloads with few CliXml deserializers: their items' documents are read as one document per
        /// group of up to <see cref="GroupChars"/> characters (each item document holds one top-level object whose
        /// reference ids only point inside it, and the deserializer takes an id's latest definition, so every item
        /// comes out as its own document would give it). Throws when a group does not read back as one object per
        /// item; the caller then reads them one by one.
        /// </summary>
        public static CachedOutput[] ReadMany(IReadOnlyList<byte[]> payloads)
        {
            var parsed = new Parsed[payloads.Count];
            var documents = new List<StoredText>();
            for (int p = 0; p < parsed.Length; p++)
            {
                parsed[p] = Parse(payloads[p]);
                foreach (var text in parsed[p].Items) if (!text.IsNull) documents.Add(text);
            }
            var objects = new object?[documents.Count];
            var buffer = ArrayPool<char>.Shared.Rent(GroupChars);
            try
            {
                int start = 0;
                while (start < documents.Count)
                {
                    var combined = new StringBuilder(GroupChars + CliXmlDocuments.Open.Length + CliXmlDocuments.Close.Length);
                    combined.Append(CliXmlDocuments.Open);
                    int end = start;
                    while (end < documents.Count && (end == start || combined.Length + documents[end].Count < GroupChars))
                        CliXmlDocuments.AppendBody(combined, documents[end++], ref buffer);
                    combined.Append(CliXmlDocuments.Close);
                    var group = PSSerializer.DeserializeAsList(combined.ToString());
                    if (group.Length != end - start) throw new InvalidDataException($"{end - start} stored items read back as {group.Length} objects.");
                    Array.Copy(group, 0, objects, start, group.Length);
                    start = end;
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
            var results = new CachedOutput[parsed.Length];
            int next = 0;
            for (int p = 0; p < parsed.Length; p++)
            {
                var values = new object?[parsed[p].Items.Length];
                for (int i = 0; i < values.Length; i++)
                {
                    if (!parsed[p].Items[i].IsNull) values[i] = objects[next++];
                }
                results[p] = parsed[p].Build(values);
            }
            return results;
        }

        /// <summary>
        /// The most characters one combined document holds (unless one item alone is longer): the string stays
        /// under the large-object heap's threshold (85,000 bytes), whose allocations cost full collections.
        /// </summary>
        internal const int GroupChars = 32 * 1024;

        // The layout of one payload, its items' documents not yet decoded: the bytes BinaryWriter wrote (a
        // length-prefixed UTF-8 string per item), read in place; BinaryReader allocated buffers per payload.
        private static Parsed Parse(byte[] payload)
        {
            bool withRecords = Starts(payload, MagicWithRecords);
            int at = Magic.Length;
            bool hasExit = ReadByte(payload, ref at) != 0;
            int exit = ReadInt32(payload, ref at);
            int count = ReadInt32(payload, ref at);
            if (count < 0 || count > payload.Length) throw new InvalidDataException("Bad item count in a stored result.");
            var items = new StoredText[count];
            for (int i = 0; i < count; i++)
            {
                var kind = ReadByte(payload, ref at);
                if (kind == NullItem) continue;
                if (kind != XmlItem) throw new InvalidDataException($"Unknown item kind {kind} in a stored result.");
                int length = Read7BitLength(payload, ref at);
                if (length > payload.Length - at) throw new InvalidDataException("A stored item runs past the end of its result.");
                items[i] = new StoredText(payload, at, length);
                at += length;
            }
            IReadOnlyList<StreamRecord>? records = null;
            if (withRecords)
            {
                using var stream = new MemoryStream(payload, at, payload.Length - at, writable: false);
                using var r = new BinaryReader(stream, new UTF8Encoding(false));
                records = StreamRecordCodec.Read(r, count);
            }
            return new Parsed(items, hasExit ? exit : (int?)null, records);
        }

        private static byte ReadByte(byte[] payload, ref int at)
        {
            if (at >= payload.Length) throw new InvalidDataException("A stored result ends early.");
            return payload[at++];
        }

        // Little-endian, as BinaryWriter writes.
        private static int ReadInt32(byte[] payload, ref int at)
        {
            if (payload.Length - at < 4) throw new InvalidDataException("A stored result ends early.");
            int value = payload[at] | payload[at + 1] << 8 | payload[at + 2] << 16 | payload[at + 3] << 24;
            at += 4;
            return value;
        }

        // BinaryWriter's string length: 7 bits per byte, low bits first, at most five bytes.
        private static int Read7BitLength(byte[] payload, ref int at)
        {
            int value = 0;
            for (int shift = 0; shift < 35; shift += 7)
            {
                byte b = ReadByte(payload, ref at);
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value >= 0 ? value : throw new InvalidDataException("Bad item length in a stored result.");
            }
            throw new InvalidDataException("Bad item length in a stored result.");
        }

        private sealed class Parsed
        {
            public Parsed(StoredText[] items, int? exitCode, IReadOnlyList<StreamRecord>? records)
            {
                Items = items;
                ExitCode = exitCode;
                Records = records;
            }

            public StoredText[] Items { get; }

            public int? ExitCode { get; }

            public IReadOnlyList<StreamRecord>? Records { get; }

            // Scalars are read once and shared; anything mutable stays CliXml and is copied per replay.
            public CachedOutput Build(object?[] deserialized)
            {
                var items = new object?[Items.Length];
                for (int i = 0; i < items.Length; i++)
                {
                    if (Items[i].IsNull) continue;
                    var value = DeserializedShapes.Restore(deserialized[i]);
                    var bare = value is PSObject p ? p.BaseObject : value;
                    items[i] = CachedOutput.IsImmutableScalar(bare) && !(value is PSObject) ? bare : (object)new CachedOutput.FrozenItem(Items[i], value!);
                }
                var output = CachedOutput.FromStored(items, ExitCode);
                return Records != null ? output.WithRecords(Records) : output;
            }
        }
    }
}
