using System;
using System.Collections.Generic;
using TwatCache.Engines;

namespace TwatCache.Contexts
{
    /// <summary>
    /// One caller's read-ahead of a key family (one pipeline's lookups of one script block). A run of point
    /// reads costs the store's query pipeline per key; so once <see cref="LoadAfterStoreHits"/> lookups have
    /// hit the store, the family's entries are read in one scan and later lookups take theirs from it. An entry
    /// is taken once, and whatever is not in the read still goes to the store,
    /// so what other processes write meanwhile is found. Like the memory layer, it serves what the store held
    /// when it was read. Reads that must be written back are, in batches and when the caller finishes
    /// (<see cref="LayeredStore.Finish"/>). Not thread-safe: one pipeline uses it.
    /// </summary>
    internal sealed class FamilyReadAhead
    {
        /// <summary>Store hits of the family before it is read ahead: one lookup alone never reads a whole family.</summary>
        public const int LoadAfterStoreHits = 2;

        /// <summary>Most payload bytes one read-ahead holds; the rest of a larger family stays point reads.</summary>
        public const long ByteBudget = 128L * 1024 * 1024;

        /// <summary>Reads kept before they are written back in one batch.</summary>
        public const int RecordBatch = 512;

        /// <summary>Entries decoded together when a lookup takes one that is not decoded yet: the first chunk; each next one doubles, up to <see cref="MaxDecodeChunk"/>.</summary>
        public const int FirstDecodeChunk = 8;

        /// <summary>The largest decode chunk.</summary>
        public const int MaxDecodeChunk = 256;

        private Dictionary<string, Slot>? _entries;
        // The slots in read order, and how far decode chunks have looked in it (each slot is passed once).
        private Slot[] _order = Array.Empty<Slot>();
        private int _decodeCursor;
        private int _storeHits;
        private int _nextChunk = FirstDecodeChunk;

        /// <summary>A read-ahead for keys that start with <paramref name="prefix"/>.</summary>
        public FamilyReadAhead(string prefix) => Prefix = prefix ?? throw new ArgumentNullException(nameof(prefix));

        /// <summary>The family: the first characters of its keys.</summary>
        public string Prefix { get; }

        /// <summary>True once the family has been read (whatever it held).</summary>
        public bool HasRead => _entries != null;

        /// <summary>Entries read and not yet taken.</summary>
        public int Remaining => _entries?.Count ?? 0;

        /// <summary>Served reads the store has yet to record.</summary>
        internal List<KeyValuePair<string, DateTimeOffset>> PendingReads { get; } = new List<KeyValuePair<string, DateTimeOffset>>();

        /// <summary>True when <paramref name="key"/> is of this family.</summary>
        public bool Covers(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);

        /// <summary>Counts a lookup of the family that the store answered; true when it is time to read the family.</summary>
        public bool CountStoreHit() => _entries == null && ++_storeHits >= LoadAfterStoreHits;

        /// <summary>Keeps what the family read found.</summary>
        public void Fill(IReadOnlyList<CacheEntry>? entries)
        {
            _entries = new Dictionary<string, Slot>(entries?.Count ?? 0, StringComparer.Ordinal);
            if (entries == null) return;
            foreach (var entry in entries) _entries[entry.Key] = new Slot(entry);
            _order = new Slot[_entries.Count];
            _entries.Values.CopyTo(_order, 0);
        }

        /// <summary>Takes what was read for <paramref name="key"/>, when it was read and is live at <paramref name="now"/>.</summary>
        public Slot? Take(string key, DateTimeOffset now)
        {
            if (_entries == null || !_entries.TryGetValue(key, out var slot)) return null;
            _entries.Remove(key);
            slot.Taken = true;
            return slot.Entry.IsExpiredAt(now) ? null : slot;
        }

        /// <summary>
        /// The slots to decode together with <paramref name="taken"/> (first in the list): it and the next undecoded
        /// ones, a chunk that doubles each time (a pipeline that keeps taking entries gets them decoded in bulk;
        /// one that stops early has decoded at most as many as it took).
        /// </summary>
        public List<Slot> DecodeChunk(Slot taken)
        {
            var chunk = new List<Slot>(_nextChunk) { taken };
            for (; _decodeCursor < _order.Length && chunk.Count < _nextChunk; _decodeCursor++)
            {
                var slot = _order[_decodeCursor];
                if (!slot.Decoded && !slot.Taken) chunk.Add(slot);
                _order[_decodeCursor] = null!; // passed: the array no longer keeps it alive
            }
            _nextChunk = Math.Min(MaxDecodeChunk, _nextChunk * 2);
            return chunk;
        }

        /// <summary>One entry read ahead, and its value once decoded.</summary>
        internal sealed class Slot
        {
            public Slot(CacheEntry entry) => Entry = entry;

            public CacheEntry Entry { get; }

            /// <summary>True once a lookup took it.</summary>
            public bool Taken { get; set; }

            /// <summary>True once <see cref="Result"/> and <see cref="Value"/> hold the decode as <see cref="DecodedAs"/>.</summary>
            public bool Decoded => DecodedAs != null;

            public Type? DecodedAs { get; private set; }

            public Serialization.DecodeResult Result { get; private set; }

            public object? Value { get; private set; }

            public void SetDecoded(Type type, Serialization.DecodeResult result, object? value)
            {
                DecodedAs = type;
                Result = result;
                Value = value;
                Entry.Payload = null; // decoded: the bytes are not needed again
            }
        }
    }
}
