using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using TwatCache.Storage;

namespace TwatCache.PowerShell.Explain
{
    /// <summary>
    /// The last <see cref="Capacity"/> entries one block stored in one context, with their key parts: what a
    /// miss is compared with. A side record rather than a search of the store, so that a miss costs one
    /// small read however large the store is, and a hit costs nothing (it never looks). Persistent stores
    /// keep it beside the store (<c>&lt;store&gt;.explain/&lt;block id&gt;.txt</c>, owner-only), so a fresh
    /// process can explain its misses; Memory and Redis contexts keep it in the process. It is diagnostic
    /// only: a lost update (two processes writing at once) makes an explanation less precise, never a wrong result.
    /// </summary>
    internal sealed class BlockHistory
    {
        /// <summary>How many stored entries of a block are remembered.</summary>
        public const int Capacity = 8;

        private static readonly ConditionalWeakTable<CacheContext, ConcurrentDictionary<string, BlockHistory>> ByContext =
            new ConditionalWeakTable<CacheContext, ConcurrentDictionary<string, BlockHistory>>();

        private readonly object _gate = new object();
        private readonly string? _file;
        private List<HistoryRecord> _records = new List<HistoryRecord>();
        private DateTime _loadedStamp;
        private bool _dirty;

        private BlockHistory(string? file) => _file = file;

        /// <summary>The history of block <paramref name="blockId"/> in <paramref name="context"/> (one object per process).</summary>
        public static BlockHistory For(CacheContext context, string blockId)
        {
            var map = ByContext.GetValue(context, _ => new ConcurrentDictionary<string, BlockHistory>(StringComparer.Ordinal));
            return map.GetOrAdd(blockId, id => new BlockHistory(FileFor(context, id)));
        }

        /// <summary>The records, newest first, re-read from the side file when another process changed it.</summary>
        public IReadOnlyList<HistoryRecord> Records()
        {
            lock (_gate)
            {
                Reload();
                return _records.ToArray();
            }
        }

        /// <summary>Adds (or replaces) the record of an entry just stored; written out by <see cref="Save"/>.</summary>
        public void Remember(HistoryRecord record)
        {
            lock (_gate)
            {
                if (!_dirty) Reload();
                _records.RemoveAll(r => r.Hash == record.Hash);
                _records.Insert(0, record);
                if (_records.Count > Capacity) _records.RemoveRange(Capacity, _records.Count - Capacity);
                _dirty = true;
            }
        }

        /// <summary>Writes the side file when records were added (once per Invoke-Cached call, not per item).</summary>
        public void Save()
        {
            lock (_gate)
            {
                if (!_dirty) return;
                _dirty = false;
                if (_file == null) return;
                try
                {
                    var dir = Path.GetDirectoryName(_file)!;
                    if (!Directory.Exists(dir)) UnixPermissions.CreateDirectory(dir, UnixPermissions.OwnerOnlyDirectory);
                    var temp = _file + "." + Guid.NewGuid().ToString("N") + ".tmp";
                    File.WriteAllText(temp, Format(_records), new UTF8Encoding(false));
                    UnixPermissions.Set(temp, UnixPermissions.OwnerOnlyFile);
                    if (File.Exists(_file)) File.Delete(_file);
                    File.Move(temp, _file);
                    _loadedStamp = File.GetLastWriteTimeUtc(_file);
                }
                catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                {
                    // Diagnostics only: the next store writes it again.
                }
            }
        }

        private void Reload()
        {
            if (_file == null) return;
            try
            {
                if (!File.Exists(_file))
                {
                    return;
                }
                var stamp = File.GetLastWriteTimeUtc(_file);
                if (stamp == _loadedStamp) return;
                _records = Parse(File.ReadAllText(_file, Encoding.UTF8));
                _loadedStamp = stamp;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Unreadable now: explain from what this process knows.
            }
        }

        private static string? FileFor(CacheContext context, string blockId)
        {
            // Only a store on the local file system (a LiteDB file, a File engine directory): a Redis
            // context's location is a server address, and Memory has none.
            var store = context.Path;
            if (string.IsNullOrEmpty(store) || !Path.IsPathRooted(store) || !(File.Exists(store) || Directory.Exists(store))) return null;
            return Path.Combine(store!.TrimEnd('/', '\\') + ".explain", blockId + ".txt");
        }

        // One record per line: hash, created ticks, expiry ticks (0: none), key parts with lines joined by U+001F.
        private static string Format(List<HistoryRecord> records)
        {
            var sb = new StringBuilder();
            foreach (var r in records)
            {
                sb.Append(r.Hash).Append('\t')
                  .Append(r.Created.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('\t')
                  .Append((r.Expires?.UtcTicks ?? 0L).ToString(CultureInfo.InvariantCulture)).Append('\t')
                  .Append(r.KeyParts.Replace('\n', '\u001f')).Append('\n');
            }
            return sb.ToString();
        }

        private static List<HistoryRecord> Parse(string text)
        {
            var records = new List<HistoryRecord>();
            foreach (var line in text.Split('\n'))
            {
                var f = line.Split(new[] { '\t' }, 4);
                if (f.Length != 4 || !long.TryParse(f[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var created)
                    || !long.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var expires)
                    || created <= 0 || created > DateTimeOffset.MaxValue.UtcTicks || expires < 0 || expires > DateTimeOffset.MaxValue.UtcTicks) continue;
                records.Add(new HistoryRecord(f[0], new DateTimeOffset(created, TimeSpan.Zero),
                    expires == 0 ? (DateTimeOffset?)null : new DateTimeOffset(expires, TimeSpan.Zero), f[3].Replace('\u001f', '\n')));
                if (records.Count == Capacity) break;
            }
            return records;
        }
    }
}
