using System;
using System.IO;
using System.Management.Automation;
using System.Text;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// The bytes of a stored <see cref="CachedOutput"/>: the magic "TCO2", whether an exit code was set and
    /// its value, the item count, then each item as null or its own CliXml document. Payloads of the first
    /// format are one CliXml document and start with '&lt;', so the two never mix up.
    /// </summary>
    internal static class CachedOutputPayload
    {
        private static readonly byte[] Magic = { (byte)'T', (byte)'C', (byte)'O', (byte)'2' };
        private const byte NullItem = 0, XmlItem = 1;

        public static bool IsCurrent(byte[] payload)
        {
            if (payload.Length < Magic.Length) return false;
            for (int i = 0; i < Magic.Length; i++) if (payload[i] != Magic[i]) return false;
            return true;
        }

        public static byte[] Write(CachedOutput output)
        {
            using var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream, new UTF8Encoding(false), leaveOpen: true))
            {
                w.Write(Magic);
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
            }
            return stream.ToArray();
        }

        public static CachedOutput Read(byte[] payload)
        {
            using var stream = new MemoryStream(payload, writable: false);
            using var r = new BinaryReader(stream, new UTF8Encoding(false));
            r.ReadBytes(Magic.Length);
            bool hasExit = r.ReadBoolean();
            int exit = r.ReadInt32();
            int count = r.ReadInt32();
            if (count < 0 || count > payload.Length) throw new InvalidDataException("Bad item count in a stored result.");
            var items = new object?[count];
            for (int i = 0; i < count; i++)
            {
                var kind = r.ReadByte();
                if (kind == NullItem) continue;
                if (kind != XmlItem) throw new InvalidDataException($"Unknown item kind {kind} in a stored result.");
                var xml = r.ReadString();
                // Scalars are read once and shared; anything mutable stays CliXml and is copied per replay.
                var value = DeserializedShapes.Restore(PSSerializer.Deserialize(xml));
                var bare = value is PSObject p ? p.BaseObject : value;
                items[i] = CachedOutput.IsImmutableScalar(bare) && !(value is PSObject) ? bare : (object)new CachedOutput.FrozenItem(xml, value!);
            }
            return CachedOutput.FromStored(items, hasExit ? exit : (int?)null);
        }
    }
}
