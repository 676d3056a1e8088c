using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using TwatCache.Diagnostics;
using TwatCache.Engines;
using TwatCache.Keys;
using TwatCache.Locking;
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
        private readonly MemoryEngine? _memory;
        private readonly ICacheEngine? _store;
        private readonly ICacheSerializer _serializer;
        private readonly Func<DateTimeOffset> _clock;
        private readonly string? _temporaryRoot;
        private readonly List<string> _warnings = new List<string>();
        private int _disposed;

        private CacheContext(CacheOptions options, MemoryEngine? memory, ICacheEngine? store, string? temporaryRoot, IEnumerable<string> warnings)
        {
            Options = options;
            _memory = memory;
            _store = store;
            _serializer = options.Serializer ?? new JsonCacheSerializer();
            _clock = options.Clock ?? (() => DateTimeOffset.UtcNow);
            _temporaryRoot = temporaryRoot;
            _warnings.AddRange(warnings);
            Since = _clock();
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
            switch (o.Engine)
            {
                case CacheEngineKind.Memory:
                    memory = new MemoryEngine(o.MaxEntries);
                    break;
                case CacheEngineKind.LiteDb:
                    store = OpenLiteDb(o);
                    break;
                case CacheEngineKind.Auto:
                    memory = new MemoryEngine(o.MaxEntries);
                    try
                    {
                        store = OpenLiteDb(o);
                    }
                    catch (TwatCacheException ex) when (ex is CacheEngineUnavailableException || ex is CachePathException)
                    {
                        warnings.Add($"Context '{o.Name}': the LiteDb store is unavailable, using memory only. {ex.Message}");
                    }
                    break;
                default:
                    throw new CacheConfigurationException($"The {o.Engine} engine is not available in this version. Use Auto, Memory or LiteDb.");
            }
            return new CacheContext(o, memory, store, temporaryRoot, warnings);
        }

        private static ICacheEngine OpenLiteDb(CacheOptions o)
        {
            var root = CacheRoot.Ensure(CacheRoot.Resolve(o.Root));
            return new LiteDbEngine(System.IO.Path.Combine(root, o.Name + ".litedb"));
        }

        /// <summary>The options this context was created with (a private copy).</summary>
        public CacheOptions Options { get; }

        /// <summary>Context name; also the key namespace.</summary>
        public string Name => Options.Name;

        /// <summary>Engines in use, e.g. "Memory+LiteDb" or "Memory".</summary>
        public string EngineName => _memory != null && _store != null ? "Memory+" + _store.Name : (_store?.Name ?? "Memory");

        /// <summary>Where the persistent store lives, or null for memory only.</summary>
        public string? Path => _store?.Location;

        /// <summary>When this context was created.</summary>
        public DateTimeOffset Since { get; }

        /// <summary>Problems met while starting (such as a store that fell back to memory).</summary>
        public IReadOnlyList<string> Warnings => _warnings;

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
        /// Looks up a hashed key. Reads L1 first, then the store (filling L1). A payload of another format
        /// or one that cannot be read is a miss and is removed. Counts the hit or miss.
        /// </summary>
        public bool TryGetByHash(string hash, Type type, out object? value)
        {
            ThrowIfDisposed();
            var now = _clock();
            var entry = _memory?.Get(hash, now);
            if (entry != null && IsOfType(entry.Value, type))
            {
                Counters.Hit();
                LogLookup(hash, hit: true);
                value = entry.Value;
                return true;
            }
            if (_store != null)
            {
                var stored = _store.Get(hash, now);
                if (stored != null && TryDecode(stored, type, out value))
                {
                    if (_memory != null)
                    {
                        stored.Value = value;
                        stored.Payload = null;
                        _memory.Set(stored);
                    }
                    Counters.Hit();
                    LogLookup(hash, hit: true);
                    return true;
                }
            }
            Counters.Miss();
            LogLookup(hash, hit: false);
            value = null;
            return false;
        }

        /// <summary>Writes a value under a hashed key to every layer (the store first, so a value that cannot be serialized is written nowhere).</summary>
        public void SetByHash(string hash, object? value, Type type, CacheEntryOptions? entryOptions = null)
        {
            ThrowIfDisposed();
            var now = _clock();
            var ttl = entryOptions?.Ttl ?? (entryOptions?.SlidingTtl == null ? Options.DefaultTtl : null);
            var sliding = entryOptions?.SlidingTtl ?? (entryOptions?.Ttl == null && Options.DefaultTtl == null ? Options.SlidingTtl : null);
            var entry = new CacheEntry(hash)
            {
                Created = now,
                LastAccess = now,
                Sliding = sliding,
                Expires = sliding.HasValue ? now + sliding.Value : ttl.HasValue ? now + ttl.Value : (DateTimeOffset?)null,
                Label = Shorten(entryOptions?.Label),
                Format = _serializer.FormatId,
            };
            if (_store != null)
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
                entry.Payload = payload;
                entry.SizeBytes = payload.Length;
                _store.Set(entry);
            }
            if (_memory != null)
            {
                var live = entry.MetadataOnly();
                live.Value = value;
                _memory.Set(live);
            }
            Counters.Write();
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
                return remote == null ? local : new CombinedLock(remote, local);
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
            if (_store != null) removed |= _store.Remove(hash);
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
        public T GetOrAdd<T>(string key, Func<T> factory, TimeSpan? ttl = null)
        {
            if (factory == null) throw new ArgumentNullException(nameof(factory));
            var hash = HashKey(key);
            if (TryGetByHash(hash, typeof(T), out var cached)) return (T)cached!;
            using (AcquireKeyLock(hash, SingleFlightWait))
            {
                // Another caller may have produced the value while this one waited.
                if (TryPeek(hash, typeof(T), out cached)) return (T)cached!;
                var value = factory();
                SetByHash(hash, value, typeof(T), new CacheEntryOptions { Ttl = ttl, Label = key });
                return value;
            }
        }

        /// <summary>Like <see cref="TryGetByHash"/> but a miss is not counted (re-checks after waiting for a lock).</summary>
        public bool TryPeek(string hash, Type type, out object? value)
        {
            bool found = TryGetByHash(hash, type, out value);
            if (!found) Counters.UndoMiss();
            return found;
        }

        /// <summary>Removes a string key.</summary>
        public bool Remove(string key) => RemoveByHash(HashKey(key));

        /// <summary>Removes every entry from every layer; returns how many the store (or L1) held.</summary>
        public int Clear()
        {
            ThrowIfDisposed();
            int inMemory = _memory?.Clear() ?? 0;
            return _store != null ? _store.Clear() : inMemory;
        }

        /// <summary>Removes expired entries from every layer; returns how many the store (or L1) held.</summary>
        public int RemoveExpired()
        {
            ThrowIfDisposed();
            var now = _clock();
            int inMemory = _memory?.RemoveExpired(now) ?? 0;
            return _store != null ? _store.RemoveExpired(now) : inMemory;
        }

        /// <summary>Metadata of the entries of the outermost persistent layer (or of memory).</summary>
        public IReadOnlyList<CacheEntry> ListEntries()
        {
            ThrowIfDisposed();
            return (_store ?? (ICacheEngine)_memory!).List();
        }

        /// <summary>A snapshot of counters and store size.</summary>
        public CacheStats GetStats()
        {
            ThrowIfDisposed();
            var summary = (_store ?? (ICacheEngine)_memory!).Summarize();
            return new CacheStats
            {
                Context = Name,
                Engine = EngineName,
                Entries = summary.Entries,
                SizeBytes = summary.PayloadBytes,
                Hits = Counters.Hits,
                Misses = Counters.Misses,
                Evictions = Counters.Evictions,
                Path = Path,
                Since = Since,
            };
        }

        /// <summary>Releases the engines; a temporary context also deletes its storage.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _memory?.Dispose();
            _store?.Dispose();
            if (_temporaryRoot != null)
            {
                try { Directory.Delete(_temporaryRoot, recursive: true); }
                catch (DirectoryNotFoundException) { }
            }
        }

        private bool TryDecode(CacheEntry stored, Type type, out object? value)
        {
            value = null;
            if (stored.Payload == null)
            {
                _store!.Remove(stored.Key);
                return false;
            }
            if (stored.Format != _serializer.FormatId) return TryDecodeForeign(stored, type, out value);
            try
            {
                value = _serializer.Deserialize(stored.Payload, type);
                return IsOfType(value, type);
            }
            catch (Exception)
            {
                // An unreadable payload (another version, damage) is a miss, never an error for the caller.
                _store!.Remove(stored.Key);
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
