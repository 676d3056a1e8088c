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
        /// caches its result. Concurrent callers of the key, sync (<see cref="GetOrAdd{T}(string, Func{T}, TimeSpan?)"/>) and async alike,
        /// wait for the first one without blocking a thread. <paramref name="cancellationToken"/> is honoured
        /// while waiting for the key's lock and is passed to the factory; a factory that throws (or is
        /// cancelled) leaves no entry and its exception reaches the caller.
        /// </summary>
        /// <param name="key">The string key (same key space as <see cref="GetOrAdd{T}(string, Func{T}, TimeSpan?)"/> and <see cref="TryGet{T}"/>).</param>
        /// <param name="factory">Computes the value on a miss.</param>
        /// <param name="ttl">Absolute lifetime; null uses the context default.</param>
        /// <param name="cancellationToken">Cancels the wait for the lock and the factory.</param>
        // RS0026/RS0027 guard binary compatibility of shipped overloads; nothing is shipped before 0.1.0, and the
        // options overload is the one the issue asks for beside the TTL shorthand.
#pragma warning disable RS0026, RS0027
        public Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> factory, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
            => GetOrAddAsync(key, factory, new CacheEntryOptions { Ttl = ttl }, cancellationToken);

        /// <summary>
        /// Like <see cref="GetOrAddAsync{T}(string, Func{CancellationToken, Task{T}}, TimeSpan?, CancellationToken)"/>
        /// with per-entry options (TTL, tags, fail-safe). With fail-safe, a factory that throws (but is not
        /// cancelled) while a stale entry younger than the MaxStale limit is kept answers that entry instead.
        /// </summary>
        /// <param name="key">The string key.</param>
        /// <param name="factory">Computes the value on a miss.</param>
        /// <param name="entryOptions">TTL, tags and fail-safe of the entry; its label defaults to the key.</param>
        /// <param name="cancellationToken">Cancels the wait for the lock and the factory.</param>
        public async Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> factory, CacheEntryOptions entryOptions, CancellationToken cancellationToken = default)
#pragma warning restore RS0026, RS0027
        {
            if (factory == null) throw new ArgumentNullException(nameof(factory));
            if (entryOptions == null) throw new ArgumentNullException(nameof(entryOptions));
            cancellationToken.ThrowIfCancellationRequested();
            var hash = HashKey(key);
            if (TryGetByHash(hash, typeof(T), out var cached)) return (T)cached!;
            var options = WithLabel(entryOptions, key);
            using (await AcquireKeyLockAsync(hash, SingleFlightWait, cancellationToken).ConfigureAwait(false))
            {
                // Another caller may have produced the value while this one waited.
                if (TryPeek(hash, typeof(T), out cached)) return (T)cached!;
                cancellationToken.ThrowIfCancellationRequested();
                T value;
                try
                {
                    value = await factory(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (TryServeStale(ex, hash, options, out T stale))
                {
                    return stale;
                }
                SetByHash(hash, value, typeof(T), options);
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
