using System;
using System.Collections.Generic;
using TwatCache.Engines;

namespace TwatCache
{
    public sealed partial class CacheContext
    {
        /// <summary>
        /// Writes many values at once (priming a cache, importing results). A store that supports it
        /// (LiteDb) writes them in one transaction, which costs a fraction of one write per value in shared
        /// mode; other stores write them one by one. Returns how many were written.
        /// </summary>
        public int SetMany<T>(IEnumerable<KeyValuePair<string, T>> items, TimeSpan? ttl = null)
        {
            if (items == null) throw new ArgumentNullException(nameof(items));
            ThrowIfDisposed();
            var now = _clock();
            var store = _store;
            var batch = new List<CacheEntry>();
            var values = new List<object?>();
            foreach (var item in items)
            {
                var entry = NewEntry(HashKey(item.Key), new CacheEntryOptions { Ttl = ttl, Label = item.Key }, now);
                if (store != null) Seal(entry, item.Value, typeof(T));
                batch.Add(entry);
                values.Add(item.Value);
            }
            if (store != null)
            {
                OnStore(store, s =>
                {
                    if (s is IBatchWritable bulk) bulk.SetMany(batch);
                    else foreach (var entry in batch) s.Set(entry);
                    return true;
                }, false);
            }
            for (int i = 0; i < batch.Count; i++)
            {
                SetLive(batch[i], values[i], store == null);
                _sharedMemory?.Remove(batch[i].Key);
                Counters.Write();
                EnforceLimits(batch[i].Key, now, batch[i].SizeBytes);
            }
            return batch.Count;
        }
    }
}
