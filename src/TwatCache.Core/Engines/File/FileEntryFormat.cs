using System;
using System.IO;
using System.IO.Hashing;
using System.Linq;
using System.Text;
using TwatCache.Storage;

namespace TwatCache.Engines
{
    /// <summary>
    /// The on-disk format of one File engine entry directory: <c>data</c> (magic <c>TCF1</c>, times, format,
    /// size, label, payload length, XxHash64, payload), <c>access</c> (created ticks, last access, hits,
    /// expiry, write and access sequence; 32 bytes before sequences existed) and the optional <c>meta</c>
    /// (retention, tags, absolute limit). Each file is written to a temporary name and renamed over the old
    /// one. The sidecars carry the created ticks of their write, so a sidecar of an older write is ignored.
    /// </summary>
    internal static class FileEntryFormat
    {
        public const string DataName = "data", AccessName = "access", MetaName = "meta";
        private static readonly byte[] Magic = Encoding.ASCII.GetBytes("TCF1");

        public static void WriteAtomically(string dir, string name, out string temp, Action<FileStream> write)
        {
            temp = Path.Combine(dir, "." + name + "-" + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920))
                {
                    UnixPermissions.Set(temp, UnixPermissions.OwnerOnlyFile);
                    write(fs);
                }
                var target = Path.Combine(dir, name);
                if (File.Exists(target)) File.Replace(temp, target, null);
                else
                {
                    try { File.Move(temp, target); }
                    catch (IOException) when (File.Exists(target)) { File.Replace(temp, target, null); } // another writer won the race
                }
            }
            catch
            {
                try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                throw;
            }
        }

        public static void WriteData(Stream s, CacheEntry e)
        {
            var payload = e.Payload!;
            var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(e.Created.UtcTicks);
            w.Write(EntryTimes.ExpiryTicks(e.Expires));
            w.Write(EntryTimes.WindowTicks(e.Sliding));
            w.Write(e.Format);
            w.Write(e.SizeBytes);
            w.Write(e.Label ?? string.Empty);
            w.Write((long)payload.Length);
            w.Write(XxHash64.Hash(payload));
            w.Write(payload);
            w.Flush();
        }

        // Parses a data file; null when it is damaged (bad magic, short, wrong length or checksum).
        public static CacheEntry? Parse(string key, byte[] bytes, bool withPayload)
        {
            try
            {
                using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
                var e = ReadHeader(key, r, out long length);
                if (e == null) return null;
                var sum = r.ReadBytes(8);
                long start = r.BaseStream.Position;
                if (sum.Length != 8 || bytes.Length - start != length) return null;
                var payload = new byte[length];
                Buffer.BlockCopy(bytes, (int)start, payload, 0, (int)length);
                if (!XxHash64.Hash(payload).SequenceEqual(sum)) return null;
                if (withPayload) e.Payload = payload;
                return e;
            }
            catch (EndOfStreamException)
            {
                return null;
            }
        }

        public static CacheEntry? ReadHeader(string key, BinaryReader r, out long length)
        {
            length = 0;
            if (!r.ReadBytes(4).SequenceEqual(Magic)) return null;
            long created = r.ReadInt64(), expires = r.ReadInt64(), sliding = r.ReadInt64();
            var e = new CacheEntry(key)
            {
                Created = EntryTimes.At(created),
                Expires = EntryTimes.ExpiryFromTicks(expires),
                Sliding = EntryTimes.WindowFromTicks(sliding),
                Format = r.ReadInt32(),
                SizeBytes = r.ReadInt64(),
                Label = r.ReadString(),
            };
            e.LastAccess = e.Created;
            length = r.ReadInt64();
            return length < 0 ? null : e;
        }

        // Header and access data only (listings, purges): the payload is not read.
        public static CacheEntry? ReadMetadata(string dir) => ReadDataFile<CacheEntry?>(dir, 4096, r =>
        {
            var e = ReadHeader(Path.GetFileName(dir), r, out _);
            if (e != null)
            {
                ApplyAccess(e, dir);
                ApplyMeta(e, dir);
            }
            return e;
        });

        public static void ApplyAccess(CacheEntry e, string dir)
        {
            byte[] a;
            try { a = File.ReadAllBytes(Path.Combine(dir, AccessName)); }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException) { return; }
            // 32 bytes (written before sequences existed) or 48 (with the write and access sequences).
            if ((a.Length != 32 && a.Length != 48) || BitConverter.ToInt64(a, 0) != e.Created.UtcTicks) return; // belongs to an older write
            e.LastAccess = EntryTimes.At(BitConverter.ToInt64(a, 8));
            e.Hits = BitConverter.ToInt64(a, 16);
            long expires = BitConverter.ToInt64(a, 24);
            e.Expires = EntryTimes.ExpiryFromTicks(expires);
            if (a.Length == 48)
            {
                e.WriteSequence = BitConverter.ToInt64(a, 32);
                e.AccessSequence = BitConverter.ToInt64(a, 40);
            }
        }

        // Created time of the entry in <paramref name="dir"/> from its data header, or null when absent or damaged.
        public static DateTimeOffset? ReadCreated(string dir)
            => ReadDataFile<DateTimeOffset?>(dir, 64, r => r.ReadBytes(4).SequenceEqual(Magic) ? EntryTimes.At(r.ReadInt64()) : null);

        // Reads the start of the data file; default when it is absent, short or unreadable.
        private static T ReadDataFile<T>(string dir, int bufferSize, Func<BinaryReader, T> read)
        {
            try
            {
                using var fs = new FileStream(Path.Combine(dir, DataName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize);
                using var r = new BinaryReader(fs, Encoding.UTF8);
                return read(r);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is ArgumentException)
            {
                return default!;
            }
        }

        // The meta file (see WriteMeta); a file written before the absolute limit existed ends after the tags.
        public static void ApplyMeta(CacheEntry e, string dir)
        {
            byte[] m;
            try { m = File.ReadAllBytes(Path.Combine(dir, MetaName)); }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException) { return; }
            try
            {
                using var r = new BinaryReader(new MemoryStream(m, writable: false), Encoding.UTF8);
                if (r.ReadInt64() != e.Created.UtcTicks) return; // belongs to an older write
                long stale = r.ReadInt64();
                int count = r.ReadInt32();
                if (count < 0 || count > 1024) return;
                var tags = new string[count];
                for (int i = 0; i < count; i++) tags[i] = r.ReadString();
                e.StaleUntil = EntryTimes.OptionalFromTicks(stale);
                e.Tags = tags;
                // The absolute limit of a sliding entry follows the tags; meta files written before it existed end here.
                if (r.BaseStream.Position + 8 <= r.BaseStream.Length)
                {
                    long cap = r.ReadInt64();
                    e.AbsoluteExpires = EntryTimes.OptionalFromTicks(cap);
                }
                // Then the key parts; meta files written before they were recorded end at the cap.
                if (r.BaseStream.Position < r.BaseStream.Length)
                {
                    var parts = r.ReadString();
                    e.KeyParts = parts.Length > 0 ? parts : null;
                }
            }
            catch (EndOfStreamException)
            {
                // A damaged meta file: the entry keeps no tags and no retention.
            }
        }

        public static void WriteAccess(string dir, CacheEntry e)
        {
            try
            {
                WriteAtomically(dir, AccessName, out _, fs =>
                {
                    var w = new BinaryWriter(fs);
                    w.Write(e.Created.UtcTicks);
                    w.Write(e.LastAccess.UtcTicks);
                    w.Write(e.Hits);
                    w.Write(EntryTimes.ExpiryTicks(e.Expires));
                    w.Write(e.WriteSequence);
                    w.Write(e.AccessSequence);
                    w.Flush();
                });
            }
            catch (DirectoryNotFoundException)
            {
                // Removed meanwhile: the read metadata has nothing left to describe.
            }
        }
        // The meta file: created ticks (ties it to one write), retention ticks (0 = none), tag count, tags, absolute limit (0 = none), key parts ('' = none).
        public static void WriteMeta(string dir, CacheEntry e)
        {
            if (e.Tags.Count == 0 && !e.StaleUntil.HasValue && !e.AbsoluteExpires.HasValue && e.KeyParts == null)
            {
                try { File.Delete(Path.Combine(dir, MetaName)); } catch (DirectoryNotFoundException) { }
                return;
            }
            WriteAtomically(dir, MetaName, out _, fs =>
            {
                var w = new BinaryWriter(fs, Encoding.UTF8);
                w.Write(e.Created.UtcTicks);
                w.Write(EntryTimes.OptionalTicks(e.StaleUntil));
                w.Write(e.Tags.Count);
                foreach (var t in e.Tags) w.Write(t);
                w.Write(EntryTimes.OptionalTicks(e.AbsoluteExpires));
                w.Write(e.KeyParts ?? string.Empty);
                w.Flush();
            });
        }
    }
}
