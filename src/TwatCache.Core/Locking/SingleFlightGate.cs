using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using TwatCache.Engines;

namespace TwatCache.Locking
{
    /// <summary>
    /// The single-flight lock of a hashed key: in this process first (one lock table for sync and async
    /// callers, so they exclude each other), then across processes when the store supports it.
    /// </summary>
    internal sealed class SingleFlightGate
    {
        private readonly Func<ICacheEngine?> _store;

        public SingleFlightGate(Func<ICacheEngine?> store) => _store = store;

        /// <summary>Per-key locks within this process.</summary>
        public KeyLockTable Locks { get; } = new KeyLockTable();

        /// <summary>Takes the key's lock; null when <paramref name="timeout"/> passes (the caller then computes anyway).</summary>
        public IDisposable? Acquire(string hash, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var local = Locks.Acquire(hash, timeout, cancellationToken);
            if (local == null || !(_store() is ICrossProcessLocking crossProcess)) return local;
            try
            {
                var remote = crossProcess.AcquireLock(hash, timeout, cancellationToken);
                if (remote != null) return new CombinedLock(remote, local);
                local.Dispose(); // another process held the key past the timeout
                return null;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
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

        /// <summary>Async twin of <see cref="Acquire"/>, awaited without blocking a thread.</summary>
        public async Task<IDisposable?> AcquireAsync(string hash, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var local = await Locks.AcquireAsync(hash, timeout, cancellationToken).ConfigureAwait(false);
            if (local == null) return null;
            try
            {
                var store = _store();
                IDisposable? remote = null;
                if (store is IAsyncCrossProcessLocking asyncLocking)
                    remote = await asyncLocking.AcquireLockAsync(hash, timeout, cancellationToken).ConfigureAwait(false);
                else if (store is ICrossProcessLocking syncLocking)
                    remote = syncLocking.AcquireLock(hash, timeout, cancellationToken);
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
    }
}
