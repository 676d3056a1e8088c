using System;
using System.Collections.Generic;
using TwatCache.Engines;

namespace TwatCache.Contexts
{
    /// <summary>
    /// One caller's read-ahead of a key family (one pipeline's lookups of one script block). A run of point
    /// reads costs the store's query pipeline per key; so once <see cref="LoadAfterStoreHits"/> lookups have
    /// hit the store, the family's entries are read in one scan and later lookups take theirs from it. An entry
    /// is taken once (the memory layer keeps it after), and whatever is not in the read still goes to the store,
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

        private Dictionary<string, CacheEntry>? _entries;
        private int _storeHits;

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
            _entries = new Dictionary<string, CacheEntry>(entries?.Count ?? 0, StringComparer.Ordinal);
            if (entries == null) return;
            foreach (var entry in entries) _entries[entry.Key] = entry;
        }

        /// <summary>Takes the entry read for <paramref name="key"/>, when it was read and is live at <paramref name="now"/>.</summary>
        public CacheEntry? Take(string key, DateTimeOffset now)
        {
            if (_entries == null || !_entries.TryGetValue(key, out var entry)) return null;
            _entries.Remove(key);
            return entry.IsExpiredAt(now) ? null : entry;
        }
    }
}
