using System;
using System.Collections.Generic;
using TwatCache.Engines;

namespace TwatCache
{
    /// <summary>
    /// Open stores that several contexts of one process share (<see cref="CacheOptions.SharedStores"/>): one
    /// engine instance per store file or directory, and one memory layer in front of them. Contexts that
    /// share a store then never disagree: a write or clear through one is what the others read next.
    /// The set owns the engines; contexts created with it leave them open when disposed. Dispose the set
    /// after its contexts.
    /// </summary>
    internal sealed class SharedStores : IDisposable
    {
        private readonly object _gate = new object();
        private readonly Dictionary<string, ICacheEngine> _engines = new Dictionary<string, ICacheEngine>(StringComparer.Ordinal);
        private bool _disposed;

        /// <summary>The memory layer of the contexts that share these stores.</summary>
        internal MemoryEngine Memory { get; } = new MemoryEngine();

        /// <summary>The engine of the store at <paramref name="path"/>, opened by <paramref name="open"/> the first time.</summary>
        internal T Open<T>(string path, Func<T> open) where T : class, ICacheEngine
        {
            lock (_gate)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(SharedStores));
                if (_engines.TryGetValue(path, out var existing) && existing is T typed) return typed;
                var engine = open();
                _engines[path] = engine;
                return engine;
            }
        }

        /// <summary>Closes every store and the memory layer.</summary>
        public void Dispose()
        {
            List<ICacheEngine> engines;
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                engines = new List<ICacheEngine>(_engines.Values);
                _engines.Clear();
            }
            foreach (var engine in engines)
            {
                try { engine.Dispose(); }
                catch (Exception) { /* best effort: the others still close */ }
            }
            Memory.Dispose();
        }
    }
}
