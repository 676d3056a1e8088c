using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.Extensions.Caching.Distributed;
using TwatCache.Contexts;
using TwatCache.Diagnostics;
using TwatCache.Distributed;
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
    /// counters and lifetime. Thread-safe; dispose it to release its files. The work is done by internal
    /// parts (<c>Contexts/</c>, <c>Policies/</c>, <c>Locking/</c>, <c>Serialization/</c>); this class wires them.
    /// </summary>
    public sealed partial class CacheContext : IDisposable
    {
        /// <summary>How often a persistent context adds its counts to the stats file besides on dispose.</summary>
        public static readonly TimeSpan StatsFlushInterval = TimeSpan.FromSeconds(30);

        private readonly LayeredStore _layers;
        private readonly PayloadCodec _codec;
        private readonly EntryPlanner _planner;
        private readonly EvictionEnforcer _eviction;
        private readonly SingleFlightGate _gate;
        private readonly GetOrRunFlow _flow;
        private readonly ContextLog _log;
        private readonly PersistedCounters? _persistedCounters;
        private readonly Func<DateTimeOffset> _clock;
        private readonly Action? _dropTemporary;
        private readonly List<string> _warnings;
        private int _disposed;

        private CacheContext(CacheOptions options, StoreBuilder.Built built)
        {
            Options = options;
            _clock = options.Clock ?? (() => CoarseClock.UtcNow);
            _log = new ContextLog(options.Logger, options.Name);
            var serializer = options.Serializer ?? new JsonCacheSerializer();
            _codec = new PayloadCodec(serializer, options.CompressAbove, built.Secret, _log);
            _planner = new EntryPlanner(options, serializer.FormatId);
            _layers = new LayeredStore(options.Name, built.Memory, built.Store, options.SharedStores, _codec, StoreBuilder.TracksEveryAccess(options), () => IsDisposed, built.Backplane, () => _clock(), built.FellBack);
            Counters.Telemetry = _layers.Telemetry;
            _eviction = new EvictionEnforcer(options, _layers, Counters);
            _gate = new SingleFlightGate(() => _layers.Store);
            _flow = new GetOrRunFlow(this, _layers, _gate, _log);
            _dropTemporary = built.DropTemporary;
            _warnings = built.Warnings;
            Since = _clock();
            // Only stores under the cache root that outlive the process keep a running total.
            if (built.Store != null && !options.Temporary && (options.Engine != CacheEngineKind.Memory && options.Engine != CacheEngineKind.Redis))
                _persistedCounters = new PersistedCounters(PersistedCounters.PathFor(CacheRoot.Resolve(options.Root), Name), Counters, Since, StatsFlushInterval);
            foreach (var warning in _warnings) _log.Warning(warning);
        }

        /// <summary>Creates a context. An Auto context whose store cannot start falls back to memory and says so in <see cref="Warnings"/>.</summary>
        public static CacheContext Create(CacheOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var o = options.Clone();
            ContextName.Validate(o.Name);
            if (o.MaxEntries.HasValue && o.MaxEntries.Value <= 0) throw new CacheConfigurationException("MaxEntries must be positive.");
            if (o.MaxBytes.HasValue && o.MaxBytes.Value <= 0) throw new CacheConfigurationException("MaxBytes must be positive.");
            return new CacheContext(o, StoreBuilder.Build(o));
        }

        /// <summary>The options this context was created with (a private copy).</summary>
        public CacheOptions Options { get; }

        /// <summary>Context name; also the key namespace.</summary>
        public string Name => Options.Name;

        /// <summary>Engines in use, e.g. "Memory+LiteDb+File" or "Memory".</summary>
        public string EngineName => _layers.EngineName;

        /// <summary>The persistent store (a LiteDB file, a File directory, a Redis prefix), or null for memory only.</summary>
        public string? StorePath => _layers.Store?.Location;

        /// <summary>Same as <see cref="StorePath"/> (the name scripts used first).</summary>
        public string? Path => StorePath;

        /// <summary>When this context was created.</summary>
        public DateTimeOffset Since { get; }

        /// <summary>Problems met while starting (such as a store that fell back to memory).</summary>
        public IReadOnlyList<string> Warnings => _warnings;

        /// <summary>
        /// Takes the warnings raised since the last call (a store that failed mid-call and was replaced by
        /// memory, a damaged store moved aside). Each is returned once; callers show them to the user.
        /// </summary>
        public IReadOnlyList<string> DrainWarnings() => _layers.DrainWarnings();

        /// <summary>True once a failing store made this context fall back to memory.</summary>
        public bool HasFallenBack => _layers.HasFallenBack;

        /// <summary>Hit, miss, write and eviction counters.</summary>
        public CacheCounters Counters { get; } = new CacheCounters();

        /// <summary>True once disposed.</summary>
        public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

        /// <summary>The serializer used for persistent payloads.</summary>
        public ICacheSerializer Serializer => _codec.Serializer;

        /// <summary>The current time as the context sees it.</summary>
        public DateTimeOffset Now => _clock();

        /// <summary>The file that keeps this store's running hit/miss totals across processes, or null (memory, temporary, Redis).</summary>
        public string? StatsPath => _persistedCounters?.FilePath;

        internal SingleFlightGate Gate => _gate;
        internal GetOrRunFlow Flow => _flow;

        /// <summary>Hashes a string key within this context's namespace.</summary>
        public string HashKey(string key) => KeyHasher.HashString(Name, key ?? throw new ArgumentNullException(nameof(key)));

        /// <summary>Hashes canonical key bytes within this context's namespace.</summary>
        public string HashKey(byte[] canonical) => KeyHasher.Hash(Name, canonical);

        /// <summary>The key family of a script block with fingerprint <paramref name="blockFingerprint"/> in this context (<see cref="KeyHasher.FamilyOf"/>).</summary>
        internal string FamilyOf(byte[] blockFingerprint) => KeyHasher.FamilyOf(Name, blockFingerprint);

        /// <summary>Hashes canonical key bytes into a key of <paramref name="family"/> (<see cref="KeyHasher.HashInFamily"/>).</summary>
        internal string HashKey(byte[] canonical, string family) => KeyHasher.HashInFamily(Name, family, canonical);

        /// <summary>A read-ahead for one caller's lookups of <paramref name="family"/>, or null when the store cannot read one.</summary>
        internal FamilyReadAhead? StartReadAhead(string family)
            => _layers.Store is IFamilyReader reader && reader.AllowsReadAhead ? new FamilyReadAhead(family) : null;

        /// <summary>Ends a read-ahead: the reads it served that the store must record are written back.</summary>
        internal void FinishReadAhead(FamilyReadAhead readAhead)
        {
            if (!IsDisposed) _layers.Finish(readAhead);
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

        /// <summary>Writes a value under a hashed key to every layer (the store first, so a value that cannot be serialized is written nowhere).</summary>
        public void SetByHash(string hash, object? value, Type type, CacheEntryOptions? entryOptions = null)
        {
            ThrowIfDisposed();
            Write(new[] { new KeyValuePair<string, object?>(hash, value) }, type, _ => entryOptions);
        }

        /// <summary>
        /// Writes many values at once (priming a cache, importing results). A store that supports it
        /// (LiteDb) writes them in one transaction, which costs a fraction of one write per value in shared
        /// mode; other stores write them one by one. Returns how many were written.
        /// </summary>
        public int SetMany<T>(IEnumerable<KeyValuePair<string, T>> items, TimeSpan? ttl = null)
        {
            if (items == null) throw new ArgumentNullException(nameof(items));
            ThrowIfDisposed();
            var byHash = new List<KeyValuePair<string, object?>>();
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var hash = HashKey(item.Key);
                labels[hash] = item.Key;
                byHash.Add(new KeyValuePair<string, object?>(hash, item.Value));
            }
            Write(byHash, typeof(T), hash => new CacheEntryOptions { Ttl = ttl, Label = labels[hash] });
            return byHash.Count;
        }

        // Seals every value (so one that cannot be serialized fails before anything is written), writes them
        // through the layers, then counts and evicts per entry.
        private void Write(IReadOnlyList<KeyValuePair<string, object?>> items, Type type, Func<string, CacheEntryOptions?> optionsOf)
        {
            var now = _clock();
            bool sealPayloads = _layers.Store != null;
            var entries = new List<CacheEntry>(items.Count);
            var values = new List<object?>(items.Count);
            foreach (var item in items)
            {
                var entry = _planner.NewEntry(item.Key, optionsOf(item.Key), now);
                if (sealPayloads) _codec.Seal(entry, item.Value, type);
                entries.Add(entry);
                values.Add(item.Value);
            }
            _layers.Write(entries, values);
            foreach (var entry in entries)
            {
                Counters.Write();
                _eviction.AfterWrite(entry.Key, now, entry.SizeBytes);
            }
        }

        /// <summary>Removes a string key.</summary>
        public bool Remove(string key) => RemoveByHash(HashKey(key));

        /// <summary>Removes every entry from every layer; returns how many the store (or L1) held.</summary>
        public int Clear() => OnLayers("clear", e => e.Clear(), Invalidation.All);

        /// <summary>Removes expired entries from every layer; returns how many the store (or L1) held.</summary>
        public int RemoveExpired()
        {
            var now = _clock();
            return OnLayers("remove_expired", e => e.RemoveExpired(now), Invalidation.Expired);
        }

        /// <summary>Removes every entry tagged <paramref name="tag"/> from every layer; returns how many the store (or memory) held.</summary>
        /// <remarks>Stores find tagged entries through their tag index (LiteDB multikey index, File tag directories, Redis sets); payloads are not read.</remarks>
        public int RemoveByTag(string tag)
        {
            var normalized = TagRules.Normalize(tag);
            return OnLayers("remove_by_tag", e => e.RemoveByTag(normalized), Invalidation.Tag(normalized));
        }

        private int OnLayers(string name, Func<ICacheEngine, int> operation, Invalidation invalidation)
        {
            ThrowIfDisposed();
            return _layers.RemoveAll(name, operation, invalidation);
        }

        /// <summary>Listing rows of the entries of the outermost persistent layer (or of memory), expired ones included.</summary>
        /// <remarks>
        /// Reads served by the memory layer do not reach the store, so an entry that is also in memory shows
        /// the memory layer's (newer) hit count, last access and sliding expiry.
        /// </remarks>
        public IReadOnlyList<CacheEntryInfo> GetEntries()
        {
            ThrowIfDisposed();
            var now = Now;
            var rows = new List<CacheEntryInfo>();
            foreach (var entry in _layers.ListWithMemoryReads()) rows.Add(new CacheEntryInfo(this, entry, now));
            return rows;
        }

        /// <summary>A snapshot of counters and store size.</summary>
        public CacheStats GetStats()
        {
            ThrowIfDisposed();
            var summary = _layers.Summarize();
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
                StorePath = StorePath,
                Since = Since,
            };
            _persistedCounters?.ApplyTo(stats);
            return stats;
        }

        /// <summary>Adds this process's unflushed hit/miss counts to the stats file now.</summary>
        public void FlushStats() => _persistedCounters?.Flush();

        /// <summary>
        /// This context as an <see cref="IDistributedCache"/> (byte[] values, null on a miss, absolute,
        /// relative and sliding expiry, Refresh), so an ASP.NET app can keep its distributed cache or session
        /// state in the context's store. Its keys live in their own key space: <c>Get("k")</c> here never
        /// reads a value written by <see cref="Set{T}"/>. The adapter does not own the context: dispose the context.
        /// </summary>
        public IDistributedCache AsDistributedCache() => new ContextDistributedCache(this);

        /// <summary>Releases the engines; a temporary context also deletes its storage.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            _persistedCounters?.Dispose();
            _layers.Dispose();
            _dropTemporary?.Invoke();
        }

        /// <summary>Looks up a hashed key in every layer and counts the hit, and the miss unless <paramref name="countMiss"/> is false.</summary>
        internal bool TryGetByHash(string hash, Type type, out object? value, bool countMiss = true, FamilyReadAhead? readAhead = null)
        {
            ThrowIfDisposed();
            bool hit = _layers.TryGet(hash, type, _clock(), readAhead, out value);
            if (hit) Counters.Hit();
            else if (countMiss) Counters.Miss();
            _log.Lookup(hash, hit);
            return hit;
        }

        /// <summary>Removes a hashed key from every layer; true when any layer had it.</summary>
        internal bool RemoveByHash(string hash)
        {
            ThrowIfDisposed();
            return _layers.Remove(hash);
        }

        private void ThrowIfDisposed()
        {
            if (IsDisposed) throw new ObjectDisposedException(nameof(CacheContext), $"The cache context '{Name}' has been disposed.");
        }
    }
}
