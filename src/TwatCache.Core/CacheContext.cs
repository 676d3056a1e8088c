using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using TwatCache.Diagnostics;
using TwatCache.Engines;
using TwatCache.Keys;
using TwatCache.Locking;
using TwatCache.Policies;
using TwatCache.Serialization;
using TwatCache.Storage;

namespace TwatCache
{
    /// <summary>
    /// A named cache: its engines (an optional in-process L1 and an optional persistent store), options,
    /// counters and lifetime. Thread-safe; dispose it to release its files.
    /// </summary>
    public sealed partial class CacheContext : IDisposable
    {
        private static readonly TimeSpan SingleFlightWait = TimeSpan.FromMinutes(5);
        // Both layers may change once, when a failing store makes the context fall back to memory.
        private volatile MemoryEngine? _memory;
        private volatile ICacheEngine? _store;
        // The shared memory layer of other contexts on the same stores, when this context reads the store
        // directly: whatever this one overwrites or removes leaves it too, so theirs never serves the old value.
        private readonly MemoryEngine? _sharedMemory;
        private readonly bool _sharedEngines;
        private readonly ICacheSerializer _serializer;
        private readonly Func<DateTimeOffset> _clock;
        private readonly string? _temporaryRoot;
        private readonly byte[]? _secret;
        private readonly List<string> _warnings = new List<string>();
        private readonly List<string> _pendingWarnings = new List<string>();
        private int _fellBack;
        private readonly object _limitsGate = new object();
        private long _estimatedEntries, _estimatedBytes;
        private bool _estimateKnown;
        private int _disposed;
        private readonly bool _recordMemoryHits;

        private CacheContext(CacheOptions options, MemoryEngine? memory, ICacheEngine? store, byte[]? secret, string? temporaryRoot, IEnumerable<string> warnings)
        {
            Options = options;
            _memory = memory;
            _store = store;
            _sharedEngines = options.SharedStores != null;
            if (_sharedEngines && !ReferenceEquals(memory, options.SharedStores!.Memory)) _sharedMemory = options.SharedStores.Memory;
            _secret = secret;
            _serializer = options.Serializer ?? new JsonCacheSerializer();
            _clock = options.Clock ?? (() => Policies.CoarseClock.UtcNow);
            _temporaryRoot = temporaryRoot;
            _warnings.AddRange(warnings);
            Since = _clock();
            _recordMemoryHits = memory != null && store is IAccessRecorder && TracksEveryAccess(options);
            OnCreated();
            LogStartupWarnings();
        }

        /// <summary>Creates a context. An Auto context whose store cannot start falls back to memory and says so in <see cref="Warnings"/>.</summary>
        public static CacheContext Create(CacheOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var o = options.Clone();
            ContextName.Validate(o.Name);
            if (o.MaxEntries.HasValue && o.MaxEntries.Value <= 0) throw new CacheConfigurationException("MaxEntries must be positive.");
            if (o.MaxBytes.HasValue && o.MaxBytes.Value <= 0) throw new CacheConfigurationException("MaxBytes must be positive.");

            string? temporaryRoot = null;
            if (o.Temporary && o.Engine != CacheEngineKind.Memory)
            {
                temporaryRoot = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "twatcache-tmp-" + Guid.NewGuid().ToString("N"));
                o.Root = temporaryRoot;
            }

            var warnings = new List<string>();
            MemoryEngine? memory = null;
            ICacheEngine? store = null;
            byte[]? secret = null;
            switch (o.Engine)
            {
                case CacheEngineKind.Memory:
                    memory = new MemoryEngine();
                    break;
                // Redis; Auto given a connection string is Memory L1 in front of Redis.
                case CacheEngineKind.Auto when !string.IsNullOrWhiteSpace(o.ConnectionString):
                case CacheEngineKind.Redis:
                    if (o.Engine == CacheEngineKind.Auto) memory = new MemoryEngine();
                    try
                    {
                        var redis = Engines.Redis.RedisEngine.Open(o);
                        redis.TrackEveryAccess = TracksEveryAccess(o);
                        store = redis;
                        // Hosts share the store, so only a secret they share can sign it (no per-host key file).
                        secret = SecretKeyFile.Explicit(o.Secret);
                    }
                    catch (CacheEngineUnavailableException ex)
                    {
                        memory ??= new MemoryEngine();
                        warnings.Add($"Context '{o.Name}': the Redis store is unavailable, using memory only. {ex.Message}");
                    }
                    break;
                case CacheEngineKind.LiteDb:
                case CacheEngineKind.File:
                case CacheEngineKind.Auto:
                    var rootPath = CacheRoot.Resolve(o.Root);
                    // An unsafe root is refused outright: falling back would hide the problem.
                    if (System.IO.Directory.Exists(rootPath)) CacheRoot.RefuseUnsafe(rootPath);
                    if (o.Engine == CacheEngineKind.Auto) memory = o.SharedStores?.Memory ?? new MemoryEngine();
                    try
                    {
                        var root = CacheRoot.Ensure(rootPath);
                        store = OpenLocalStore(o, root, warnings.Add);
                        secret = SecretKeyFile.Explicit(o.Secret) ?? SecretKeyFile.LoadOrCreate(root);
                    }
                    catch (Exception ex) when (ex is CacheEngineUnavailableException || ex is CachePathException || ex is System.IO.IOException || ex is UnauthorizedAccessException)
                    {
                        if (o.SharedStores == null) store?.Dispose();
                        store = null;
                        memory ??= new MemoryEngine();
                        warnings.Add($"Context '{o.Name}': the {o.Engine} store is unavailable, using memory only. {ex.Message}");
                    }
                    break;
                default:
                    throw new CacheConfigurationException($"The {o.Engine} engine is not available in this version. Use Auto, Memory, LiteDb, File or Redis.");
            }
            return new CacheContext(o, memory, store, secret, temporaryRoot, warnings);
        }

        private static ICacheEngine OpenLocalStore(CacheOptions o, string root, Action<string> warn)
        {
            string Combine(string suffix) => System.IO.Path.Combine(root, o.Name + suffix);
            bool trackEveryAccess = TracksEveryAccess(o);
            var shared = o.SharedStores;
            LiteDbEngine OpenLiteDb(string path)
            {
                var engine = shared != null ? shared.Open(path, () => LiteDbEngine.OpenOrRecover(path, warn)) : LiteDbEngine.OpenOrRecover(path, warn);
                engine.TrackEveryAccess |= trackEveryAccess;
                return engine;
            }
            FileEngine OpenFiles(string path) => shared != null ? shared.Open(path, () => new FileEngine(path)) : new FileEngine(path);
            switch (o.Engine)
            {
                case CacheEngineKind.File:
                    return OpenFiles(Combine(".files"));
                case CacheEngineKind.LiteDb:
                    return OpenLiteDb(Combine(".litedb"));
                default:
                    var small = OpenLiteDb(Combine(".litedb"));
                    try
                    {
                        // One access sequence for both halves, so eviction orders their entries together.
                        var large = Combine(".files");
                        return new SizeRoutedEngine(small, shared != null ? shared.Open(large, () => new FileEngine(large, small.Sequence)) : new FileEngine(large, small.Sequence), o.LargeValueThreshold);
                    }
                    catch
                    {
                        if (shared == null) small.Dispose();
                        throw;
                    }
            }
        }

        // LRU and LFU eviction need every hit on record; without limits, hits may skip the write-back.
        private static bool TracksEveryAccess(CacheOptions o)
            => (o.MaxEntries.HasValue || o.MaxBytes.HasValue) && (o.Policy == EvictionPolicy.Lru || o.Policy == EvictionPolicy.Lfu);

        /// <summary>The options this context was created with (a private copy).</summary>
        public CacheOptions Options { get; }

        /// <summary>Context name; also the key namespace.</summary>
        public string Name => Options.Name;

        /// <summary>Engines in use, e.g. "Memory+LiteDb" or "Memory".</summary>
        public string EngineName
        {
            get
            {
                var store = _store;
                return _memory != null && store != null ? "Memory+" + store.Name : (store?.Name ?? "Memory");
            }
        }

        /// <summary>Where the persistent store lives, or null for memory only.</summary>
        public string? Path => _store?.Location;

        /// <summary>When this context was created.</summary>
        public DateTimeOffset Since { get; }

        /// <summary>Problems met while starting (such as a store that fell back to memory).</summary>
        public IReadOnlyList<string> Warnings => _warnings;

        /// <summary>
        /// Takes the warnings raised since the last call (a store that failed mid-call and was replaced by
        /// memory, a damaged store moved aside). Each is returned once; callers show them to the user.
        /// </summary>
        public IReadOnlyList<string> DrainWarnings()
        {
            lock (_pendingWarnings)
            {
                if (_pendingWarnings.Count == 0) return Array.Empty<string>();
                var taken = _pendingWarnings.ToArray();
                _pendingWarnings.Clear();
                return taken;
            }
        }

        /// <summary>True once a failing store made this context fall back to memory.</summary>
        public bool HasFallenBack => Volatile.Read(ref _fellBack) != 0;

        /// <summary>Hit, miss, write and eviction counters.</summary>
        public CacheCounters Counters { get; } = new CacheCounters();

        /// <summary>Per-key locks for single flight within this process.</summary>
        public KeyLockTable Locks { get; } = new KeyLockTable();

        /// <summary>True once disposed.</summary>
        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        /// <summary>The serializer used for persistent payloads.</summary>
        public ICacheSerializer Serializer => _serializer;

        /// <summary>The current time as the context sees it.</summary>
        public DateTimeOffset Now => _clock();

        /// <summary>Hashes a string key within this context's namespace.</summary>
        public string HashKey(string key) => KeyHasher.HashString(Name, key ?? throw new ArgumentNullException(nameof(key)));

        /// <summary>Hashes canonical key bytes within this context's namespace.</summary>
        public string HashKey(byte[] canonical) => KeyHasher.Hash(Name, canonical);

        /// <summary>
        /// Looks up a hashed key. Reads L1 first, then the store (filling L1). A damaged or tampered payload
        /// is a miss and is removed; one in another serializer's format is a miss and is kept (see
        /// <c>TryDecodeForeign</c>). Counts the hit or miss.
        /// </summary>
        public bool TryGetByHash(string hash, Type type, out object? value)
        {
            ThrowIfDisposed();
            var now = _clock();
            var entry = _memory?.Get(hash, now);
            if (entry != null && IsOfType(entry.Value, type))
            {
                if (_recordMemoryHits) RecordMemoryHit(hash, now);
                Counters.Hit();
                LogLookup(hash, hit: true);
                value = entry.Value;
                return true;
            }
            var store = _store;
            if (store != null && TryGetFromStore(store, hash, now, type, out value))
            {
                Counters.Hit();
                LogLookup(hash, hit: true);
                return true;
            }
            Counters.Miss();
            LogLookup(hash, hit: false);
            value = null;
            return false;
        }

        // LRU/LFU with limits: a read served by L1 is recorded in the store too (its access sequence is the
        // one order shared by every process), or eviction would take a just-read entry for an idle one.
        private void RecordMemoryHit(string hash, DateTimeOffset now)
        {
            var store = _store;
            if (store is IAccessRecorder recorder) OnStore(store, _ => { recorder.RecordAccess(hash, now); return true; }, false);
        }

        // Apart from TryGetByHash so that a memory hit does not pay for this lambda's closure.
        private bool TryGetFromStore(ICacheEngine store, string hash, DateTimeOffset now, Type type, out object? value)
        {
            var stored = OnStore(store, s => s.Get(hash, now), null);
            if (stored == null || !TryDecode(store, stored, type, out value))
            {
                value = null;
                return false;
            }
            var l1 = _memory;
            if (l1 != null)
            {
                stored.Value = value;
                stored.Payload = null;
                l1.Set(stored);
            }
            return true;
        }

        /// <summary>Writes a value under a hashed key to every layer (the store first, so a value that cannot be serialized is written nowhere).</summary>
        public void SetByHash(string hash, object? value, Type type, CacheEntryOptions? entryOptions = null)
        {
            ThrowIfDisposed();
            var now = _clock();
            var store = _store;
            var entry = NewEntry(hash, entryOptions, now);
            if (store != null)
            {
                Seal(entry, value, type);
                OnStore(store, s => { s.Set(entry); return true; }, false);
            }
            SetLive(entry, value, store == null);
            _sharedMemory?.Remove(hash);
            Counters.Write();
            EnforceLimits(hash, now, entry.SizeBytes);
        }

        // The metadata of a new entry: lifetimes from the entry options, else the context defaults. With both
        // a TTL and a sliding TTL the entry expires at whichever comes first; a lifetime past year 9999 is never.
        private CacheEntry NewEntry(string hash, CacheEntryOptions? entryOptions, DateTimeOffset now)
        {
            bool own = entryOptions?.Ttl != null || entryOptions?.SlidingTtl != null || entryOptions?.ExpiresAt != null;
            var ttl = own ? entryOptions!.Ttl : Options.DefaultTtl;
            var sliding = own ? entryOptions!.SlidingTtl : Options.SlidingTtl;
            var absolute = entryOptions?.ExpiresAt ?? (ttl.HasValue ? Lifetime.ExpiryAfter(now, ttl.Value) : null);
            var entry = new CacheEntry(hash)
            {
                Created = now,
                LastAccess = now,
                Sliding = sliding,
                AbsoluteExpires = sliding.HasValue ? absolute : null,
                Expires = sliding.HasValue ? Lifetime.Earliest(Lifetime.ExpiryAfter(now, sliding.Value), absolute) : absolute,
                Label = Shorten(entryOptions?.Label),
                KeyParts = entryOptions?.KeyParts,
                Format = _serializer.FormatId,
                Tags = TagRules.Normalize(entryOptions?.Tags),
            };
            entry.StaleUntil = StaleUntilFor(entryOptions, now, entry.Expires);
            return entry;
        }

        // Serializes the value into the entry's sealed payload (envelope bound to the entry's key).
        private void Seal(CacheEntry entry, object? value, Type type)
        {
            byte[] payload;
            try
            {
                payload = _serializer.Serialize(value, type);
            }
            catch (Exception ex) when (ex is not TwatCacheException)
            {
                throw new CacheSerializationException($"The value cannot be serialized as {_serializer.Name}: {ex.Message}", ex);
            }
            entry.Payload = PayloadEnvelope.Seal(payload, _serializer.FormatId, Options.CompressAbove, _secret, entry.Key);
            entry.SizeBytes = entry.Payload.Length;
        }

        // Puts the live value in the memory layer, when there is one.
        private void SetLive(CacheEntry entry, object? value, bool memoryOnly)
        {
            var memory = _memory;
            if (memory == null) return;
            var live = entry.MetadataOnly();
            live.Value = value;
            if (memoryOnly) live.SizeBytes = 0; // live objects have no measured size
            memory.Set(live);
        }

        // Evicts by the context's policy when a layer is over MaxEntries/MaxBytes, down to a low-water mark
        // (90% of each limit) so that listing the store happens once per ~10% of the limit in writes, not
        // on every write. The store's size is tracked from the last listing plus this process's writes:
        // exact within a process; with several writers each process trims when its own estimate passes.
        // The outermost layer's evictions are counted; an entry evicted there also leaves L1.
        private void EnforceLimits(string justWritten, DateTimeOffset now, long writtenBytes)
        {
            long? maxEntries = Options.MaxEntries, maxBytes = Options.MaxBytes;
            if (!maxEntries.HasValue && !maxBytes.HasValue) return;
            var store = _store;
            var memory = _memory;
            lock (_limitsGate)
            {
                if (store != null)
                {
                    _estimatedEntries++;
                    _estimatedBytes += writtenBytes;
                    bool over = !_estimateKnown || (maxEntries.HasValue && _estimatedEntries > maxEntries.Value) || (maxBytes.HasValue && _estimatedBytes > maxBytes.Value);
                    if (over)
                    {
                        var listed = OnStore<IReadOnlyList<CacheEntry>?>(store, s => WithL1Reads(s.List(), memory), null);
                        if (listed != null)
                        {
                            var victims = EvictionPlanner.Victims(listed, LowWater(maxEntries, listed.Count), LowWater(maxBytes, listed.Sum(e => e.SizeBytes)), Options.Policy, now, justWritten);
                            var gone = new HashSet<string>(victims, StringComparer.Ordinal);
                            foreach (var key in victims)
                            {
                                OnStore(store, s => s.Remove(key), false);
                                memory?.Remove(key);
                                _sharedMemory?.Remove(key);
                            }
                            Counters.Evicted(victims.Count);
                            _estimatedEntries = listed.Count - victims.Count;
                            _estimatedBytes = listed.Where(e => !gone.Contains(e.Key)).Sum(e => e.SizeBytes);
                            _estimateKnown = true;
                        }
                    }
                }
                // L1 holds at most MaxEntries live objects (their byte size is unknown, so only the count applies).
                if (memory != null && (store == null || maxEntries.HasValue))
                {
                    bool over = (maxEntries.HasValue && memory.Count > maxEntries.Value) || (store == null && maxBytes.HasValue);
                    if (over)
                    {
                        var listed = memory.List();
                        var victims = EvictionPlanner.Victims(listed, LowWater(maxEntries, listed.Count), store == null ? LowWater(maxBytes, listed.Sum(e => e.SizeBytes)) : null, Options.Policy, now, justWritten);
                        foreach (var key in victims) memory.Remove(key);
                        if (store == null) Counters.Evicted(victims.Count);
                    }
                }
            }
        }

        // Once over a limit, trim to 90% of it (exactly to the limit for limits under 10).
        private static long? LowWater(long? limit, long current)
            => !limit.HasValue || current <= limit.Value ? limit : limit.Value - limit.Value / 10;

        // Hits served by L1 never reach the store's metadata; policies must still see them.
        private static IReadOnlyList<CacheEntry> WithL1Reads(IReadOnlyList<CacheEntry> stored, MemoryEngine? memory)
        {
            if (memory == null) return stored;
            var live = new Dictionary<string, CacheEntry>(StringComparer.Ordinal);
            foreach (var e in memory.List()) live[e.Key] = e;
            foreach (var e in stored)
            {
                if (!live.TryGetValue(e.Key, out var l1)) continue;
                if (l1.LastAccess > e.LastAccess) e.LastAccess = l1.LastAccess;
                if (l1.Hits > e.Hits) e.Hits = l1.Hits;
            }
            return stored;
        }

        // Runs an operation on the store; a failure (read-only disk, lock past retries, damage) makes the
        // context fall back to memory with one warning, and the operation answers `fallback`.
        private T OnStore<T>(ICacheEngine store, Func<ICacheEngine, T> operation, T fallback)
        {
            try
            {
                return operation(store);
            }
            catch (Exception ex) when (!(ex is OperationCanceledException) && !(ex is ObjectDisposedException && IsDisposed))
            {
                FallBack(store, ex);
                return fallback;
            }
        }

        private void FallBack(ICacheEngine failed, Exception ex)
        {
            lock (_pendingWarnings)
            {
                if (!ReferenceEquals(_store, failed)) return;
                _memory ??= new MemoryEngine();
                _store = null;
                Interlocked.Exchange(ref _fellBack, 1);
                _pendingWarnings.Add($"Context '{Name}': the {failed.Name} store failed ({ex.GetType().Name}: {ex.Message}); using memory only from now on.");
            }
            // Shared engines belong to their SharedStores; the other contexts meet the failure themselves.
            if (!_sharedEngines)
            {
                try { failed.Dispose(); } catch (Exception) { /* already broken */ }
            }
        }

        /// <summary>
        /// Single-flight lock of a hashed key: in this process first, then across processes when the store
        /// supports it. Returns null when <paramref name="timeout"/> passes (the caller then computes anyway).
        /// </summary>
        public IDisposable? AcquireKeyLock(string hash, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var local = Locks.Acquire(hash, timeout, cancellationToken);
            if (local == null || !(_store is ICrossProcessLocking crossProcess)) return local;
            try
            {
                var remote = crossProcess.AcquireLock(hash, timeout, cancellationToken);
                if (remote != null) return new CombinedLock(remote, local);
                local.Dispose(); // another process held the key past the timeout
                return null;
            }
            catch (Exception ex) when (ex is System.IO.IOException || ex is UnauthorizedAccessException)
            {
                // The lock directory is unusable: single flight stays within this process.
                return local;
            }
            catch
            {
                local.Dispose();
                throw;
            }
        }

        private sealed class CombinedLock : IDisposable
        {
            private readonly IDisposable _outer, _inner;
            public CombinedLock(IDisposable outer, IDisposable inner) { _outer = outer; _inner = inner; }
            public void Dispose() { try { _outer.Dispose(); } finally { _inner.Dispose(); } }
        }

        /// <summary>Removes a hashed key from every layer; true when any layer had it.</summary>
        public bool RemoveByHash(string hash)
        {
            ThrowIfDisposed();
            bool removed = _memory?.Remove(hash) ?? false;
            _sharedMemory?.Remove(hash);
            var store = _store;
            if (store != null) removed |= OnStore(store, s => s.Remove(hash), false);
            return removed;
        }

        /// <summary>Gets a value by string key.</summary>
        public bool TryGet<T>(string key, out T value)
        {
            if (TryGetByHash(HashKey(key), typeof(T), out var raw))
            {
                value = (T)raw!;
                return true;
            }
            value = default!;
            return false;
        }

        /// <summary>Writes a value by string key; <paramref name="ttl"/> null uses the context default.</summary>
        public void Set<T>(string key, T value, TimeSpan? ttl = null)
            => SetByHash(HashKey(key), value, typeof(T), new CacheEntryOptions { Ttl = ttl, Label = key });

        /// <summary>
        /// Returns the cached value of <paramref name="key"/>, or runs <paramref name="factory"/> once
        /// (concurrent callers of the key wait for it) and caches its result. A factory that throws leaves no entry.
        /// </summary>
#pragma warning disable RS0026, RS0027 // nothing shipped before 0.1.0; the CacheEntryOptions overload sits beside this shorthand
        public T GetOrAdd<T>(string key, Func<T> factory, TimeSpan? ttl = null)
#pragma warning restore RS0026, RS0027
            => GetOrAdd(key, factory, new CacheEntryOptions { Ttl = ttl });

        /// <summary>
        /// The re-check after waiting for a key's single-flight lock, whose first lookup was already counted
        /// as a miss: finding the value now (another caller produced it) makes that lookup a hit instead,
        /// and not finding it counts nothing more. So N concurrent callers of one key count 1 miss and N-1 hits.
        /// </summary>
        public bool TryPeek(string hash, Type type, out object? value)
        {
            bool found = TryGetByHash(hash, type, out value);
            Counters.UndoMiss(); // found: the earlier miss became this hit; not found: this second miss is not one
            return found;
        }

        /// <summary>Removes a string key.</summary>
        public bool Remove(string key) => RemoveByHash(HashKey(key));

        /// <summary>Removes every entry from every layer; returns how many the store (or L1) held.</summary>
        public int Clear()
        {
            ThrowIfDisposed();
            int inMemory = _memory?.Clear() ?? 0;
            _sharedMemory?.Clear();
            var store = _store;
            return store != null ? OnStore(store, s => s.Clear(), inMemory) : inMemory;
        }

        /// <summary>Removes expired entries from every layer; returns how many the store (or L1) held.</summary>
        public int RemoveExpired()
        {
            ThrowIfDisposed();
            var now = _clock();
            int inMemory = _memory?.RemoveExpired(now) ?? 0;
            var store = _store;
            return store != null ? OnStore(store, s => s.RemoveExpired(now), inMemory) : inMemory;
        }

        /// <summary>Metadata of the entries of the outermost persistent layer (or of memory).</summary>
        public IReadOnlyList<CacheEntry> ListEntries()
        {
            ThrowIfDisposed();
            var store = _store;
            if (store != null)
            {
                var listed = OnStore<IReadOnlyList<CacheEntry>?>(store, s => s.List(), null);
                if (listed != null) return listed;
            }
            return _memory?.List() ?? Array.Empty<CacheEntry>();
        }

        /// <summary>A snapshot of counters and store size.</summary>
        public CacheStats GetStats()
        {
            ThrowIfDisposed();
            var store = _store;
            var summary = (store != null ? OnStore<StoreSummary?>(store, s => s.Summarize(), null) : null)
                ?? _memory?.Summarize() ?? new StoreSummary(0, 0, 0);
            var stats = new CacheStats
            {
                Context = Name,
                Engine = EngineName,
                Entries = summary.Entries,
                SizeBytes = summary.PayloadBytes,
                Hits = Counters.Hits,
                Misses = Counters.Misses,
                Evictions = Counters.Evictions,
                StaleServed = Counters.StaleServed,
                Path = Path,
                Since = Since,
            };
            OnStatsTaken(stats);
            return stats;
        }

        /// <summary>Releases the engines; a temporary context also deletes its storage.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            OnDisposing();
            if (!_sharedEngines)
            {
                _memory?.Dispose();
                _store?.Dispose();
            }
            if (Options.Temporary && _store is Engines.Redis.RedisEngine redis)
            {
                // A temporary Redis context's keys live under a prefix of their own (see RedisEngine.Open).
                try { redis.Clear(); }
                catch (Exception ex) when (ex is TwatCacheException || ex is System.IO.IOException || ex is TimeoutException) { }
            }
            if (_temporaryRoot != null)
            {
                try { Directory.Delete(_temporaryRoot, recursive: true); }
                catch (DirectoryNotFoundException) { }
            }
        }

        // Opens the envelope (version, checksum, HMAC) and deserializes. A damaged or tampered envelope, or
        // a body this serializer cannot read, is a miss and the entry is deleted; a sound envelope of another
        // serializer's format goes to the foreign-format reader and is kept when unreadable.
        private bool TryDecode(ICacheEngine store, CacheEntry stored, Type type, out object? value)
        {
            value = null;
            if (stored.Payload == null || !PayloadEnvelope.TryOpen(stored.Payload, _secret, out var format, out var body, out _, stored.Key))
            {
                OnStore(store, s => s.Remove(stored.Key), false);
                return false;
            }
            if (format != _serializer.FormatId) return TryDecodeForeign(stored.Key, format, body, type, out value);
            try
            {
                value = _serializer.Deserialize(body, type);
                return IsOfType(value, type);
            }
            catch (Exception)
            {
                // An unreadable payload (another version, damage) is a miss, never an error for the caller.
                OnStore(store, s => s.Remove(stored.Key), false);
                return false;
            }
        }

        private static bool IsOfType(object? value, Type type)
            => value == null ? !type.IsValueType || Nullable.GetUnderlyingType(type) != null : type.IsInstanceOfType(value);

        private static string? Shorten(string? label)
        {
            if (label == null) return null;
            var firstLine = label.Trim().Split('\n')[0].TrimEnd('\r');
            return firstLine.Length <= 120 ? firstLine : firstLine.Substring(0, 117) + "...";
        }

        private void ThrowIfDisposed()
        {
            if (IsDisposed) throw new ObjectDisposedException(nameof(CacheContext), $"The cache context '{Name}' has been disposed.");
        }
    }
}
