using System;
using System.Collections.Generic;
using System.Threading;
using TwatCache.Diagnostics;
using TwatCache.Engines.Redis;
using TwatCache.Engines;
using TwatCache.Serialization;

namespace TwatCache.Contexts
{
    /// <summary>
    /// The layers of one context: an optional in-process memory layer (L1, live objects) over an optional
    /// persistent store (sealed payloads). Reads go L1 first, then the store (filling L1); writes go to the
    /// store first. A store that fails makes the layers fall back to memory with one warning.
    /// </summary>
    internal sealed class LayeredStore
    {
        // Both layers may change once, when a failing store makes the context fall back to memory.
        private volatile MemoryEngine? _memory;
        private volatile ICacheEngine? _store;
        // The shared memory layer of other contexts on the same stores, when this context reads the store
        // directly: whatever this one overwrites or removes leaves it too, so theirs never serves the old value.
        private readonly MemoryEngine? _sharedMemory;
        private readonly bool _sharedEngines;
        private readonly string _name;
        private readonly PayloadCodec _codec;
        private readonly Func<bool> _isDisposed;
        private readonly bool _recordMemoryHits;
        private readonly List<string> _pendingWarnings = new List<string>();
        private int _pendingCount;
        private int _fellBack;
        // Memory over Redis: tells other processes what changed and hears what they changed.
        private readonly RedisBackplane? _backplane;
        private readonly Func<DateTimeOffset> _now;
        // One string until a fallback changes the layers, so telemetry tags need no allocation per call.
        private volatile string _engineName;
        // Redis and LiteDB operations cross a process boundary (a server, a shared file lock): they get activities.
        private volatile bool _traceStore;

        public LayeredStore(string name, MemoryEngine? memory, ICacheEngine? store, SharedStores? shared, PayloadCodec codec, bool tracksEveryAccess, Func<bool> isDisposed, RedisBackplane? backplane = null, Func<DateTimeOffset>? now = null, bool fellBackAtStart = false)
        {
            _name = name;
            _memory = memory;
            _store = store;
            _sharedEngines = shared != null;
            if (shared != null && !ReferenceEquals(memory, shared.Memory)) _sharedMemory = shared.Memory;
            _codec = codec;
            _isDisposed = isDisposed;
            _recordMemoryHits = memory != null && store is IAccessRecorder && tracksEveryAccess;
            _engineName = NameOf(memory, store);
            _traceStore = CrossesProcessBoundary(store);
            Telemetry = new ContextTelemetry(name, () => _engineName);
            // A store that could not start (the context runs on memory) counts as one fallback.
            if (fellBackAtStart) Telemetry.FellBack();
            _now = now ?? (() => DateTimeOffset.UtcNow);
            _backplane = backplane;
            backplane?.Start(OnRemoteChange, OnResubscribed);
        }

        /// <summary>This context's feed into the "TwatCache" meter and activity source.</summary>
        public ContextTelemetry Telemetry { get; }

        public MemoryEngine? Memory => _memory;

        public ICacheEngine? Store => _store;

        public bool HasFallenBack => Volatile.Read(ref _fellBack) != 0;

        /// <summary>Engines in use, e.g. "Memory+LiteDb" or "Memory".</summary>
        public string EngineName => _engineName;

        private static string NameOf(MemoryEngine? memory, ICacheEngine? store)
            => memory != null && store != null ? "Memory+" + store.Name : (store?.Name ?? "Memory");

        private static bool CrossesProcessBoundary(ICacheEngine? store)
            => store is RedisEngine || store is LiteDbEngine || store is SizeRoutedEngine;

        /// <summary>Takes the warnings raised since the last call; each is returned once.</summary>
        public IReadOnlyList<string> DrainWarnings()
        {
            if (Volatile.Read(ref _pendingCount) == 0) return Array.Empty<string>(); // every lookup asks; warnings are rare
            lock (_pendingWarnings)
            {
                if (_pendingWarnings.Count == 0) return Array.Empty<string>();
                Volatile.Write(ref _pendingCount, 0);
                var taken = _pendingWarnings.ToArray();
                _pendingWarnings.Clear();
                return taken;
            }
        }

        /// <summary>
        /// Looks up a hashed key, L1 first, then the store (filling L1). A damaged or tampered payload is a
        /// miss and is removed; one in another serializer's format is a miss and is kept.
        /// </summary>
        public bool TryGet(string hash, Type type, DateTimeOffset now, out object? value) => TryGet(hash, type, now, null, out value);

        /// <summary>Like <see cref="TryGet(string, Type, DateTimeOffset, out object?)"/>, with a caller's read-ahead of its key family.</summary>
        public bool TryGet(string hash, Type type, DateTimeOffset now, FamilyReadAhead? readAhead, out object? value)
        {
            var entry = _memory?.Get(hash, now);
            if (entry != null && PayloadCodec.IsOfType(entry.Value, type))
            {
                if (_recordMemoryHits) RecordMemoryHit(hash, now);
                value = entry.Value;
                return true;
            }
            var store = _store;
            value = null;
            return store != null && TryGetFromStore(store, hash, now, type, readAhead, out value);
        }

        /// <summary>Writes back the reads a read-ahead served that the store has yet to record (the caller is done with it).</summary>
        public void Finish(FamilyReadAhead readAhead)
        {
            if (readAhead.PendingReads.Count > 0 && _store is IFamilyReader reader) RecordPending(_store, reader, readAhead);
            readAhead.PendingReads.Clear();
        }

        /// <summary>An entry that may have expired but is still retained and younger than <paramref name="maxStale"/>, with its metadata.</summary>
        public bool TryGetStale(string hash, Type type, DateTimeOffset now, TimeSpan maxStale, out object? value, out CacheEntry? metadata)
        {
            value = null;
            metadata = null;
            var live = _memory?.GetStale(hash, now);
            if (live != null && now - live.Created < maxStale && PayloadCodec.IsOfType(live.Value, type))
            {
                value = live.Value;
                metadata = live.MetadataOnly();
                return true;
            }
            var store = _store;
            var stored = store == null ? null : Run(store, "get", s => s.GetStale(hash, now), null);
            if (stored == null || now - stored.Created >= maxStale || !TryDecode(store!, stored, type, out value)) return false;
            metadata = stored.MetadataOnly();
            return true;
        }

        /// <summary>Writes entries to the store (sealed by the caller) and their live values to L1.</summary>
        public void Write(IReadOnlyList<CacheEntry> entries, IReadOnlyList<object?> values)
        {
            var store = _store;
            if (store != null)
            {
                bool written = Run(store, "set", s =>
                {
                    if (entries.Count == 1) s.Set(entries[0]);
                    else if (s is IBatchWritable bulk) bulk.SetMany(entries);
                    else foreach (var entry in entries) s.Set(entry);
                    return true;
                }, false);
                if (written && _backplane != null) _backplane.Publish(Invalidation.Keys(KeysOf(entries)));
            }
            var memory = _memory;
            for (int i = 0; i < entries.Count; i++)
            {
                if (memory != null)
                {
                    var live = entries[i].MetadataOnly();
                    live.Value = values[i];
                    if (store == null) live.SizeBytes = 0; // live objects have no measured size
                    memory.Set(live);
                }
                _sharedMemory?.Remove(entries[i].Key);
            }
        }

        /// <summary>Removes a hashed key from every layer; true when any layer had it.</summary>
        public bool Remove(string hash)
        {
            bool removed = _memory?.Remove(hash) ?? false;
            _sharedMemory?.Remove(hash);
            var store = _store;
            if (store != null)
            {
                removed |= Run(store, "remove", s => s.Remove(hash), false);
                // Published even when this store had no such entry: another process's memory may still hold it.
                if (_store != null) _backplane?.Publish(Invalidation.Keys(new[] { hash }));
            }
            return removed;
        }

        /// <summary>Applies <paramref name="operation"/> to every layer; answers the store's count, or L1's without a store.</summary>
        public int RemoveAll(string name, Func<ICacheEngine, int> operation, Invalidation invalidation)
        {
            var memory = _memory;
            int inMemory = memory != null ? operation(memory) : 0;
            if (_sharedMemory != null) operation(_sharedMemory);
            var store = _store;
            if (store == null) return inMemory;
            int removed = Run(store, name, operation, inMemory);
            if (_store != null) _backplane?.Publish(invalidation);
            return removed;
        }

        // Another process wrote or removed through the same Redis context: drop the copies it made stale.
        private void OnRemoteChange(Invalidation change)
        {
            var memory = _memory;
            if (memory == null) return;
            switch (change.Kind)
            {
                case 'K': foreach (var hash in change.Args) memory.Remove(hash); break;
                case 'T': memory.RemoveByTag(change.Args[0]); break;
                case 'E': memory.RemoveExpired(_now()); break;
                default: memory.Clear(); break;
            }
        }

        // The subscription was lost and is back: whatever was missed meanwhile is unknown, so drop everything.
        private void OnResubscribed()
        {
            var memory = _memory;
            if (memory == null || _store == null) return;
            memory.Clear();
            lock (_pendingWarnings)
            {
                _pendingWarnings.Add($"Context '{_name}': the Redis invalidation channel was lost and is back; the memory layer was cleared, since changes other hosts made meanwhile are unknown.");
                Volatile.Write(ref _pendingCount, _pendingWarnings.Count);
            }
        }

        private static string[] KeysOf(IReadOnlyList<CacheEntry> entries)
        {
            var keys = new string[entries.Count];
            for (int i = 0; i < keys.Length; i++) keys[i] = entries[i].Key;
            return keys;
        }

        /// <summary>Metadata of the store's entries (or of memory's without a store), expired ones included.</summary>
        public IReadOnlyList<CacheEntry> List() => ListStore() ?? MemoryList();

        /// <summary>
        /// Like <see cref="List"/>, with reads served by L1 (which never reach the store) merged in: the newer hit
        /// count, last access and, for a sliding entry, expiry. Eviction policies and listings need them.
        /// </summary>
        public IReadOnlyList<CacheEntry> ListWithMemoryReads() => ListStoreWithMemoryReads() ?? MemoryList();

        /// <summary>The store's part of <see cref="ListWithMemoryReads"/>; null without a store or when listing it failed.</summary>
        public IReadOnlyList<CacheEntry>? ListStoreWithMemoryReads()
        {
            var listed = ListStore();
            var memory = _memory;
            if (listed == null || memory == null) return listed;
            var live = new Dictionary<string, CacheEntry>(StringComparer.Ordinal);
            foreach (var m in memory.List()) live[m.Key] = m;
            foreach (var entry in listed)
            {
                if (!live.TryGetValue(entry.Key, out var m)) continue;
                if (m.Hits > entry.Hits) entry.Hits = m.Hits;
                if (m.LastAccess > entry.LastAccess) entry.LastAccess = m.LastAccess;
                if (entry.Sliding.HasValue && m.Expires > entry.Expires) entry.Expires = m.Expires;
            }
            return listed;
        }

        private IReadOnlyList<CacheEntry>? ListStore()
        {
            var store = _store;
            return store == null ? null : Run<IReadOnlyList<CacheEntry>?>(store, "list", s => s.List(), null);
        }

        private IReadOnlyList<CacheEntry> MemoryList() => _memory?.List() ?? Array.Empty<CacheEntry>();

        /// <summary>Entry count and bytes of the store, else of memory.</summary>
        public StoreSummary Summarize()
        {
            var store = _store;
            return (store != null ? Run<StoreSummary?>(store, "summarize", s => s.Summarize(), null) : null)
                ?? _memory?.Summarize() ?? new StoreSummary(0, 0, 0);
        }

        /// <summary>Releases the engines this context owns (shared ones belong to their <see cref="SharedStores"/>).</summary>
        public void Dispose()
        {
            _backplane?.Dispose();
            if (_sharedEngines) return;
            _memory?.Dispose();
            _store?.Dispose();
        }

        /// <summary>
        /// Runs an operation on the store; a failure (read-only disk, lock past retries, damage) makes the
        /// layers fall back to memory with one warning, and the operation answers <paramref name="fallback"/>.
        /// </summary>
        public T Run<T>(ICacheEngine store, string name, Func<ICacheEngine, T> operation, T fallback)
        {
            var activity = _traceStore ? Telemetry.Start("twatcache.store") : null;
            activity?.SetTag(TwatCacheTelemetry.OperationTag, name);
            try
            {
                var result = operation(store);
                if (activity != null && name == "get") activity.SetTag(TwatCacheTelemetry.HitTag, result != null);
                return result;
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is ObjectDisposedException && _isDisposed()))
            {
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.GetType().Name);
                FallBack(store, ex);
                return fallback;
            }
            finally
            {
                activity?.Dispose();
            }
        }

        // LRU/LFU with limits: a read served by L1 is recorded in the store too (its access sequence is the
        // one order shared by every process), or eviction would take a just-read entry for an idle one.
        private void RecordMemoryHit(string hash, DateTimeOffset now)
        {
            var store = _store;
            if (store is IAccessRecorder recorder) Run(store, "record_access", _ => { recorder.RecordAccess(hash, now); return true; }, false);
        }

        // Apart from TryGet so that a memory hit does not pay for this lambda's closure.
        private bool TryGetFromStore(ICacheEngine store, string hash, DateTimeOffset now, Type type, FamilyReadAhead? readAhead, out object? value)
        {
            if (readAhead != null && store is IFamilyReader reader && reader.AllowsReadAhead && readAhead.Covers(hash))
                return TryGetInFamily(store, reader, readAhead, hash, now, type, out value);
            var stored = Run(store, "get", s => s.Get(hash, now), null);
            return Deliver(store, stored, type, out value);
        }

        // Decodes a store hit and fills L1 with it.
        private bool Deliver(ICacheEngine store, CacheEntry? stored, Type type, out object? value)
        {
            if (stored == null || !TryDecode(store, stored, type, out value))
            {
                value = null;
                return false;
            }
            Promote(stored, value);
            return true;
        }

        private void Promote(CacheEntry stored, object? value)
        {
            var l1 = _memory;
            if (l1 == null) return;
            stored.Value = value;
            stored.Payload = null;
            l1.Set(stored);
        }

        // A lookup of the read-ahead's family: taken from the read when it holds the key (decoded in chunks),
        // else from the store; the store's second hit of the family reads the family.
        private bool TryGetInFamily(ICacheEngine store, IFamilyReader reader, FamilyReadAhead readAhead, string hash, DateTimeOffset now, Type type, out object? value)
        {
            var slot = readAhead.Take(hash, now);
            if (slot == null || (slot.Decoded && slot.DecodedAs != type))
            {
                var stored = Run(store, "get", s => s.Get(hash, now), null);
                if (stored != null && readAhead.CountStoreHit())
                    readAhead.Fill(Run(store, "read_family", _ => reader.ReadFamily(readAhead.Prefix, now, FamilyReadAhead.ByteBudget), null));
                return Deliver(store, stored, type, out value);
            }
            var entry = slot.Entry;
            // Decided on the stored access time, before the read moves it (as a point read decides).
            bool record = reader.ReadNeedsRecording(entry, now);
            entry.Touch(now);
            if (record)
            {
                readAhead.PendingReads.Add(new KeyValuePair<string, DateTimeOffset>(hash, now));
                if (readAhead.PendingReads.Count >= FamilyReadAhead.RecordBatch) RecordPending(store, reader, readAhead);
            }
            if (!slot.Decoded) DecodeChunk(readAhead, slot, type);
            if (slot.Result == DecodeResult.Damaged) Run(store, "remove", s => s.Remove(hash), false);
            if (slot.Result != DecodeResult.Read)
            {
                value = null;
                return false;
            }
            // Not copied into L1: the read-ahead is this pipeline's memory layer, and a pipeline of thousands of
            // distinct keys would fill L1 with entries nobody asks for again (heap, collections); a later call
            // for the key reads the store, or its own read-ahead.
            value = slot.Value;
            return true;
        }

        // Decodes the taken slot with the next undecoded ones in one call: the serializer's fixed cost per
        // call (CliXml: a reader and a deserializer) is paid once per chunk.
        private void DecodeChunk(FamilyReadAhead readAhead, FamilyReadAhead.Slot taken, Type type)
        {
            var chunk = readAhead.DecodeChunk(taken);
            var entries = new CacheEntry[chunk.Count];
            for (int i = 0; i < entries.Length; i++) entries[i] = chunk[i].Entry;
            var results = new DecodeResult[entries.Length];
            var values = new object?[entries.Length];
            _codec.TryDecodeMany(entries, type, results, values);
            for (int i = 0; i < entries.Length; i++) chunk[i].SetDecoded(type, results[i], values[i]);
        }

        private void RecordPending(ICacheEngine store, IFamilyReader reader, FamilyReadAhead readAhead)
        {
            var reads = readAhead.PendingReads.ToArray();
            readAhead.PendingReads.Clear();
            Run(store, "record_reads", _ => { reader.RecordReads(reads); return true; }, false);
        }

        private bool TryDecode(ICacheEngine store, CacheEntry stored, Type type, out object? value)
        {
            var result = _codec.TryDecode(stored, type, out value);
            if (result == DecodeResult.Damaged) Run(store, "remove", s => s.Remove(stored.Key), false);
            return result == DecodeResult.Read;
        }

        private void FallBack(ICacheEngine failed, Exception ex)
        {
            lock (_pendingWarnings)
            {
                if (!ReferenceEquals(_store, failed)) return;
                _memory ??= new MemoryEngine();
                _store = null;
                _engineName = NameOf(_memory, null);
                _traceStore = false;
                Interlocked.Exchange(ref _fellBack, 1);
                _pendingWarnings.Add($"Context '{_name}': the {failed.Name} store failed ({ex.GetType().Name}: {ex.Message}); using memory only from now on.");
                Volatile.Write(ref _pendingCount, _pendingWarnings.Count);
            }
            Telemetry.FellBack();
            // Shared engines belong to their SharedStores; the other contexts meet the failure themselves.
            if (!_sharedEngines)
            {
                try { failed.Dispose(); } catch (Exception) { /* already broken */ }
            }
        }
    }
}
