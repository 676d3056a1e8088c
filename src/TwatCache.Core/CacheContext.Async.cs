using System;
using System.Threading;
using System.Threading.Tasks;
using TwatCache.Locking;

namespace TwatCache
{
    public sealed partial class CacheContext
    {
        /// <summary>
        /// Returns the cached value of <paramref name="key"/>, or awaits <paramref name="factory"/> once and
        /// caches its result. Concurrent callers of the key, sync (<see cref="GetOrAdd{T}"/>) and async alike,
        /// wait for the first one without blocking a thread. <paramref name="cancellationToken"/> is honoured
        /// while waiting for the key's lock and is passed to the factory; a factory that throws (or is
        /// cancelled) leaves no entry and its exception reaches the caller.
        /// </summary>
        /// <param name="key">The string key (same key space as <see cref="GetOrAdd{T}"/> and <see cref="TryGet{T}"/>).</param>
        /// <param name="factory">Computes the value on a miss.</param>
        /// <param name="ttl">Absolute lifetime; null uses the context default.</param>
        /// <param name="cancellationToken">Cancels the wait for the lock and the factory.</param>
        public async Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> factory, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
        {
            if (factory == null) throw new ArgumentNullException(nameof(factory));
            cancellationToken.ThrowIfCancellationRequested();
            var hash = HashKey(key);
            if (TryGetByHash(hash, typeof(T), out var cached)) return (T)cached!;
            using (await AcquireKeyLockAsync(hash, SingleFlightWait, cancellationToken).ConfigureAwait(false))
            {
                // Another caller may have produced the value while this one waited.
                if (TryPeek(hash, typeof(T), out cached)) return (T)cached!;
                cancellationToken.ThrowIfCancellationRequested();
                var value = await factory(cancellationToken).ConfigureAwait(false);
                SetByHash(hash, value, typeof(T), new CacheEntryOptions { Ttl = ttl, Label = key });
                LogComputed(hash);
                return value;
            }
        }

        /// <summary>
        /// Async twin of <see cref="AcquireKeyLock"/>: the same per-key lock table (so sync and async callers
        /// exclude each other), awaited without blocking a thread; then the store's cross-process lock when it
        /// has one. Returns null when <paramref name="timeout"/> passes (the caller then computes anyway).
        /// </summary>
        /// <param name="hash">The hashed key.</param>
        /// <param name="timeout">How long to wait for each lock.</param>
        /// <param name="cancellationToken">Cancels the wait with <see cref="OperationCanceledException"/>.</param>
        public async Task<IDisposable?> AcquireKeyLockAsync(string hash, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var local = await Locks.AcquireAsync(hash, timeout, cancellationToken).ConfigureAwait(false);
            if (local == null) return null;
            try
            {
                IDisposable? remote = null;
                if (_store is IAsyncCrossProcessLocking asyncLocking)
                    remote = await asyncLocking.AcquireLockAsync(hash, timeout, cancellationToken).ConfigureAwait(false);
                else if (_store is ICrossProcessLocking syncLocking)
                    remote = syncLocking.AcquireLock(hash, timeout, cancellationToken);
                return remote == null ? local : new CombinedLock(remote, local);
            }
            catch
            {
                local.Dispose();
                throw;
            }
        }
    }
}
