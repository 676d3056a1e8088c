using System;
using System.Collections.Generic;
using System.IO;
using TwatCache.Engines;
using TwatCache.Engines.Redis;
using TwatCache.Storage;

namespace TwatCache.Contexts
{
    /// <summary>
    /// Opens the layers of a new context from its options: engine choice, memory over the store, size
    /// routing (Auto), shared stores, and the fallback to memory when a store cannot start.
    /// </summary>
    internal static class StoreBuilder
    {
        /// <summary>What <see cref="Build"/> opened: memory and store layers, the payload secret, start-up warnings and the clean-up of temporary storage.</summary>
        internal sealed class Built
        {
            public MemoryEngine? Memory;
            public ICacheEngine? Store;
            public byte[]? Secret;
            public Action? DropTemporary;
            public bool FellBack;
            public RedisBackplane? Backplane;
            public List<string> Warnings = new List<string>();
        }

        /// <summary>Opens the layers of <paramref name="o"/> (a private copy: its Root may be replaced by a temporary one).</summary>
        public static Built Build(CacheOptions o)
        {
            var built = new Built();
            string? temporaryRoot = null;
            if (o.Temporary && o.Engine != CacheEngineKind.Memory)
            {
                temporaryRoot = Path.Combine(Path.GetTempPath(), "twatcache-tmp-" + Guid.NewGuid().ToString("N"));
                o.Root = temporaryRoot;
            }

            MemoryEngine? memory = null;
            ICacheEngine? store = null;
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
                        var redis = RedisEngine.Open(o);
                        redis.TrackEveryAccess = TracksEveryAccess(o);
                        store = redis;
                        // Only a memory layer over Redis can go stale; plain Redis reads the server every time.
                        if (memory != null && o.Backplane) built.Backplane = new RedisBackplane(redis.Multiplexer, redis.InvalidationChannel);
                        // Hosts share the store, so only a secret they share can sign it (no per-host key file).
                        built.Secret = SecretKeyFile.Explicit(o.Secret);
                        // A temporary Redis context's keys live under a prefix of their own (see RedisEngine.Open).
                        if (o.Temporary) built.DropTemporary = () => ClearQuietly(redis);
                    }
                    catch (CacheEngineUnavailableException ex)
                    {
                        memory ??= new MemoryEngine();
                        built.FellBack = true;
                        built.Warnings.Add($"Context '{o.Name}': the Redis store is unavailable, using memory only. {ex.Message}");
                    }
                    break;
                case CacheEngineKind.LiteDb:
                case CacheEngineKind.File:
                case CacheEngineKind.Auto:
                    var rootPath = CacheRoot.Resolve(o.Root);
                    // An unsafe root is refused outright: falling back would hide the problem.
                    if (Directory.Exists(rootPath)) CacheRoot.RefuseUnsafe(rootPath);
                    if (o.Engine == CacheEngineKind.Auto) memory = o.SharedStores?.Memory ?? new MemoryEngine();
                    try
                    {
                        var root = CacheRoot.Ensure(rootPath);
                        store = OpenLocalStore(o, root, built.Warnings.Add);
                        built.Secret = SecretKeyFile.Explicit(o.Secret) ?? SecretKeyFile.LoadOrCreate(root);
                    }
                    catch (Exception ex) when (ex is CacheEngineUnavailableException || ex is CachePathException || ex is IOException || ex is UnauthorizedAccessException)
                    {
                        if (o.SharedStores == null) store?.Dispose();
                        store = null;
                        memory ??= new MemoryEngine();
                        built.FellBack = true;
                        built.Warnings.Add($"Context '{o.Name}': the {o.Engine} store is unavailable, using memory only. {ex.Message}");
                    }
                    break;
                default:
                    throw new CacheConfigurationException($"The {o.Engine} engine is not available in this version. Use Auto, Memory, LiteDb, File or Redis.");
            }
            if (temporaryRoot != null)
            {
                var dropStore = built.DropTemporary;
                built.DropTemporary = () => { dropStore?.Invoke(); DeleteQuietly(temporaryRoot); };
            }
            built.Memory = memory;
            built.Store = store;
            return built;
        }

        private static ICacheEngine OpenLocalStore(CacheOptions o, string root, Action<string> warn)
        {
            bool trackEveryAccess = TracksEveryAccess(o);
            var shared = o.SharedStores;
            LiteDbEngine OpenLiteDb(string path)
            {
                var engine = shared != null ? shared.Open(path, () => LiteDbEngine.OpenOrRecover(path, warn)) : LiteDbEngine.OpenOrRecover(path, warn);
                engine.TrackEveryAccess |= trackEveryAccess;
                return engine;
            }
            FileEngine OpenFiles(string path, LiteDbEngine? sequenceOwner)
            {
                FileEngine Open() => sequenceOwner != null ? new FileEngine(path, sequenceOwner.Sequence) : new FileEngine(path);
                return shared != null ? shared.Open(path, Open) : Open();
            }
            switch (o.Engine)
            {
                case CacheEngineKind.File:
                    return OpenFiles(StoreLayout.FilesPath(root, o.Name), null);
                case CacheEngineKind.LiteDb:
                    return OpenLiteDb(StoreLayout.LiteDbPath(root, o.Name));
                default:
                    var small = OpenLiteDb(StoreLayout.LiteDbPath(root, o.Name));
                    try
                    {
                        // One access sequence for both halves, so eviction orders their entries together.
                        return new SizeRoutedEngine(small, OpenFiles(StoreLayout.FilesPath(root, o.Name), small), o.LargeValueThreshold);
                    }
                    catch
                    {
                        if (shared == null) small.Dispose();
                        throw;
                    }
            }
        }

        /// <summary>LRU and LFU eviction need every hit on record; without limits, hits may skip the write-back.</summary>
        public static bool TracksEveryAccess(CacheOptions o)
            => (o.MaxEntries.HasValue || o.MaxBytes.HasValue) && (o.Policy == EvictionPolicy.Lru || o.Policy == EvictionPolicy.Lfu);

        private static void ClearQuietly(ICacheEngine engine)
        {
            try { engine.Clear(); }
            catch (Exception ex) when (ex is TwatCacheException || ex is IOException || ex is TimeoutException) { }
        }

        private static void DeleteQuietly(string directory)
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (DirectoryNotFoundException) { }
        }
    }
}
