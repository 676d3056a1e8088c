using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// The records part of a "TCO3" payload: the count, then per record its position, kind (1 warning,
    /// 2 information), message, and for information its source, tags and Write-Host details.
    /// </summary>
    internal static class StreamRecordCodec
    {
        private const byte Warning = 1, Information = 2;
        private const int NoColor = -1;

        public static void Write(BinaryWriter w, IReadOnlyList<StreamRecord> records)
        {
            w.Write(records.Count);
            foreach (var r in records)
            {
                w.Write(r.Position);
                w.Write(r.IsWarning ? Warning : Information);
                w.Write(r.Message);
                if (r.IsWarning) continue;
                w.Write(r.Source ?? string.Empty);
                w.Write(r.Tags.Count);
                foreach (var t in r.Tags) w.Write(t ?? string.Empty);
                w.Write(r.Host != null);
                if (r.Host == null) continue;
                w.Write(r.Host.NoNewLine ?? false);
                w.Write(r.Host.ForegroundColor.HasValue ? (int)r.Host.ForegroundColor.Value : NoColor);
                w.Write(r.Host.BackgroundColor.HasValue ? (int)r.Host.BackgroundColor.Value : NoColor);
            }
        }

        public static IReadOnlyList<StreamRecord> Read(BinaryReader r, int outputCount)
        {
            int count = r.ReadInt32();
            if (count < 0 || count > r.BaseStream.Length) throw new InvalidDataException("Bad record count in a stored result.");
            var records = new List<StreamRecord>(count);
            for (int i = 0; i < count; i++)
            {
                int position = r.ReadInt32();
                if (position < 0 || position > outputCount) throw new InvalidDataException("Bad record position in a stored result.");
                byte kind = r.ReadByte();
                var message = r.ReadString();
                if (kind == Warning)
                {
                    records.Add(new StreamRecord(position, true, message, null, Array.Empty<string>(), null));
                    continue;
                }
                if (kind != Information) throw new InvalidDataException($"Unknown record kind {kind} in a stored result.");
                var source = r.ReadString();
                int tagCount = r.ReadInt32();
                if (tagCount < 0 || tagCount > 1024) throw new InvalidDataException("Bad tag count in a stored result.");
                var tags = new List<string>(tagCount);
                for (int t = 0; t < tagCount; t++) tags.Add(r.ReadString());
                HostInformationMessage? host = null;
                if (r.ReadBoolean())
                {
                    host = new HostInformationMessage { Message = message, NoNewLine = r.ReadBoolean() };
                    int fg = r.ReadInt32(), bg = r.ReadInt32();
                    if (fg != NoColor) host.ForegroundColor = (ConsoleColor)fg;
                    if (bg != NoColor) host.BackgroundColor = (ConsoleColor)bg;
                }
                records.Add(new StreamRecord(position, false, message, source.Length == 0 ? null : source, tags, host));
            }
            return records;
        }
    }
}
