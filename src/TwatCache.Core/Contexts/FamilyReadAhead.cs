using System;
using System.Collections.Generic;
using TwatCache.Engines;
using TwatCache.Serialization;

namespace TwatCache.Contexts
{
    /// <summary>
    /// One caller's read-ahead of a key family (one pipeline's lookups of one script block). A run of point
    /// reads costs the store's query pipeline per key; so once <see cref="LoadAfterStoreHits"/> lookups have
    /// hit the store, the family's entries are read in one scan and later lookups take theirs from it. An entry
    /// is taken once, and whatever is not in the read still goes to the store, so what other processes write
    /// meanwhile is found. Like the memory layer, it serves what the store held when it was read. Reads that
    /// must be written back are, in batches and when the caller finishes (<see cref="LayeredStore.Finish"/>).
    /// Not thread-safe: one pipeline uses it.
    /// </summary>
    /// <remarks>
    /// What it holds is packed: each entry's metadata in one array of structs, its payload in large shared
    /// segments, its key as 128 bits. A read of 100,000 entries then leaves a few large arrays for the garbage
    /// collector instead of half a million small objects that every collection would mark and promote.
    /// </remarks>
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

        private const int SegmentBytes = 4 * 1024 * 1024;

        private Dictionary<KeyBits, int>? _index;
        private Held[] _held = Array.Empty<Held>();
        private readonly List<byte[]> _segments = new List<byte[]>();
        private int _segmentUsed = SegmentBytes;
        // Values decoded with an earlier taken entry, by held index, until their own lookup takes them.
        private readonly Dictionary<int, Decoded> _decoded = new Dictionary<int, Decoded>();
        private int _filled, _remaining;
        private int _decodeCursor;
        private int _storeHits;
        private int _nextChunk = FirstDecodeChunk;

        /// <summary>A read-ahead for keys that start with <paramref name="prefix"/>.</summary>
        public FamilyReadAhead(string prefix) => Prefix = prefix ?? throw new ArgumentNullException(nameof(prefix));

        /// <summary>The family: the first characters of its keys.</summary>
        public string Prefix { get; }

        /// <summary>True once the family has been read (whatever it held).</summary>
        public bool HasRead => _index != null;

        /// <summary>Entries read and not yet taken.</summary>
        public int Remaining => _remaining;

        /// <summary>Served reads the store has yet to record.</summary>
        internal List<KeyValuePair<string, DateTimeOffset>> PendingReads { get; } = new List<KeyValuePair<string, DateTimeOffset>>();

        /// <summary>True when <paramref name="key"/> is of this family.</summary>
        public bool Covers(string key) => key.StartsWith(Prefix, StringComparison.Ordinal);

        /// <summary>Counts a lookup of the family that the store answered; true when it is time to read the family.</summary>
        public bool CountStoreHit() => _index == null && ++_storeHits >= LoadAfterStoreHits;

        /// <summary>Keeps what the family read found (packed; the entries themselves are not kept).</summary>
        public void Fill(IReadOnlyList<CacheEntry>? entries)
        {
            int count = entries?.Count ?? 0;
            _index = new Dictionary<KeyBits, int>(count);
            _held = new Held[count];
            if (entries == null) return;
            foreach (var entry in entries)
            {
                if (entry.Payload == null || !KeyBits.TryParse(entry.Key, out var bits) || _index.ContainsKey(bits)) continue;
                int i = _filled++;
                _held[i] = new Held(bits, entry, Store(entry.Payload), entry.Payload.Length);
                _index[bits] = i;
            }
            _remaining = _filled;
        }

        /// <summary>Takes what was read for <paramref name="key"/>, when it was read and is live at <paramref name="now"/>.</summary>
        public Slot? Take(string key, DateTimeOffset now)
        {
            if (_index == null || !KeyBits.TryParse(key, out var bits) || !_index.TryGetValue(bits, out int i) || _held[i].Taken) return null;
            _held[i].Taken = true;
            _remaining--;
            _decoded.TryGetValue(i, out var decoded);
            _decoded.Remove(i);
            if (_held[i].Expires.HasValue && now >= _held[i].Expires!.Value) return null;
            return new Slot(this, i, Rebuild(i, key), decoded);
        }

        /// <summary>
        /// The slots to decode together with <paramref name="taken"/> (first in the list): it and the next undecoded
        /// ones, a chunk that doubles each time (a pipeline that keeps taking entries gets them decoded in bulk;
        /// one that stops early has decoded at most as many as it took).
        /// </summary>
        public List<Slot> DecodeChunk(Slot taken)
        {
            var chunk = new List<Slot>(_nextChunk) { taken };
            for (; _decodeCursor < _filled && chunk.Count < _nextChunk; _decodeCursor++)
            {
                int i = _decodeCursor;
                if (_held[i].Taken || _decoded.ContainsKey(i)) continue;
                chunk.Add(new Slot(this, i, Rebuild(i, null), null));
            }
            _nextChunk = Math.Min(MaxDecodeChunk, _nextChunk * 2);
            return chunk;
        }

        // A fresh entry for the held one: its metadata, a copy of its payload, its key (rebuilt from the bits when not given).
        private CacheEntry Rebuild(int i, string? key)
        {
            ref var h = ref _held[i];
            var payload = new byte[h.Length];
            Buffer.BlockCopy(_segments[h.Segment], h.Offset, payload, 0, h.Length);
            return h.ToEntry(key ?? h.Key.ToHex(), payload);
        }

        private void Remember(int i, Type type, DecodeResult result, object? value)
        {
            if (!_held[i].Taken) _decoded[i] = new Decoded(type, result, value);
        }

        // Appends a payload to the current segment (a new one when it does not fit); answers where it went.
        private (int Segment, int Offset) Store(byte[] payload)
        {
            if (payload.Length > SegmentBytes - _segmentUsed)
            {
                _segments.Add(new byte[Math.Max(SegmentBytes, payload.Length)]);
                _segmentUsed = 0;
            }
            int segment = _segments.Count - 1, offset = _segmentUsed;
            Buffer.BlockCopy(payload, 0, _segments[segment], offset, payload.Length);
            _segmentUsed += payload.Length;
            return (segment, offset);
        }

        /// <summary>One entry taken from (or decoded with one taken from) the read, and its value once decoded.</summary>
        internal sealed class Slot
        {
            private readonly FamilyReadAhead _owner;
            private readonly int _index;

            internal Slot(FamilyReadAhead owner, int index, CacheEntry entry, Decoded? decoded)
            {
                _owner = owner;
                _index = index;
                Entry = entry;
                if (decoded != null)
                {
                    DecodedAs = decoded.Type;
                    Result = decoded.Result;
                    Value = decoded.Value;
                    Entry.Payload = null;
                }
            }

            public CacheEntry Entry { get; }

            /// <summary>True once <see cref="Result"/> and <see cref="Value"/> hold the decode as <see cref="DecodedAs"/>.</summary>
            public bool Decoded => DecodedAs != null;

            public Type? DecodedAs { get; private set; }

            public DecodeResult Result { get; private set; }

            public object? Value { get; private set; }

            /// <summary>Keeps the decode here and, for an entry not taken yet, in the read-ahead until it is.</summary>
            public void SetDecoded(Type type, DecodeResult result, object? value)
            {
                DecodedAs = type;
                Result = result;
                Value = value;
                Entry.Payload = null; // decoded: the bytes are not needed again
                _owner.Remember(_index, type, result, value);
            }
        }

        internal sealed class Decoded
        {
            public Decoded(Type type, DecodeResult result, object? value)
            {
                Type = type;
                Result = result;
                Value = value;
            }

            public Type Type { get; }
            public DecodeResult Result { get; }
            public object? Value { get; }
        }

        // An entry's metadata and where its payload is; no references, so the array is one object to the GC.
        private struct Held
        {
            public Held(KeyBits key, CacheEntry e, (int Segment, int Offset) at, int length)
            {
                Key = key;
                Segment = at.Segment;
                Offset = at.Offset;
                Length = length;
                Format = e.Format;
                Created = e.Created;
                Expires = e.Expires;
                Sliding = e.Sliding;
                AbsoluteExpires = e.AbsoluteExpires;
                LastAccess = e.LastAccess;
                StaleUntil = e.StaleUntil;
                Hits = e.Hits;
                SizeBytes = e.SizeBytes;
                WriteSequence = e.WriteSequence;
                AccessSequence = e.AccessSequence;
                Taken = false;
            }

            public KeyBits Key;
            public int Segment, Offset, Length, Format;
            public DateTimeOffset Created, LastAccess;
            public DateTimeOffset? Expires, AbsoluteExpires, StaleUntil;
            public TimeSpan? Sliding;
            public long Hits, SizeBytes, WriteSequence, AccessSequence;
            public bool Taken;

            public CacheEntry ToEntry(string key, byte[] payload) => new CacheEntry(key)
            {
                Payload = payload, Format = Format, Created = Created, Expires = Expires, Sliding = Sliding,
                AbsoluteExpires = AbsoluteExpires, LastAccess = LastAccess, StaleUntil = StaleUntil, Hits = Hits,
                SizeBytes = SizeBytes, WriteSequence = WriteSequence, AccessSequence = AccessSequence,
            };
        }

        // A key's 32 lowercase hex digits as two 64-bit halves.
        private readonly struct KeyBits : IEquatable<KeyBits>
        {
            private readonly ulong _high, _low;

            private KeyBits(ulong high, ulong low)
            {
                _high = high;
                _low = low;
            }

            public static bool TryParse(string key, out KeyBits bits)
            {
                bits = default;
                if (key.Length != 32 || !TryHex(key, 0, out var high) || !TryHex(key, 16, out var low)) return false;
                bits = new KeyBits(high, low);
                return true;
            }

            private static bool TryHex(string s, int start, out ulong value)
            {
                value = 0;
                for (int i = start; i < start + 16; i++)
                {
                    char c = s[i];
                    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
                    if (d < 0) return false; // not a key this read-ahead holds (keys are lowercase hex)
                    value = value << 4 | (uint)d;
                }
                return true;
            }

            public string ToHex()
            {
                const string digits = "0123456789abcdef";
                var chars = new char[32];
                for (int i = 0; i < 16; i++)
                {
                    chars[i] = digits[(int)(_high >> (60 - 4 * i)) & 0xF];
                    chars[16 + i] = digits[(int)(_low >> (60 - 4 * i)) & 0xF];
                }
                return new string(chars);
            }

            public bool Equals(KeyBits other) => _high == other._high && _low == other._low;

            public override bool Equals(object? obj) => obj is KeyBits other && Equals(other);

            public override int GetHashCode() => unchecked((int)_low ^ (int)(_low >> 32));
        }
    }
}
