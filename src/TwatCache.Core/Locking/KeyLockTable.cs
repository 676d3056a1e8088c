using System;
using System.Collections.Generic;
using System.Threading;

namespace TwatCache.Locking
{
    /// <summary>
    /// One lock per key within a process (single flight): concurrent callers of one key take turns, so
    /// only the first computes and the others find its result. Entries are reference-counted and dropped
    /// when no caller holds or waits for them, so the table does not grow with the key space.
    /// </summary>
    internal sealed class KeyLockTable
    {
        private readonly Dictionary<string, Slot> _slots = new Dictionary<string, Slot>(StringComparer.Ordinal);

        /// <summary>
        /// Waits for the lock of <paramref name="key"/>; returns a handle to dispose, or null when
        /// <paramref name="timeout"/> passed first. Cancellation throws <see cref="OperationCanceledException"/>.
        /// </summary>
        public IDisposable? Acquire(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var slot = Enter(key);
            bool taken = false;
            try
            {
                taken = slot.Gate.Wait(timeout, cancellationToken);
            }
            finally
            {
                if (!taken) Leave(key, slot);
            }
            return taken ? new Handle(this, key, slot) : null;
        }

        /// <summary>Async form of <see cref="Acquire"/>.</summary>
        public async System.Threading.Tasks.Task<IDisposable?> AcquireAsync(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var slot = Enter(key);
            bool taken = false;
            try
            {
                taken = await slot.Gate.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (!taken) Leave(key, slot);
            }
            return taken ? new Handle(this, key, slot) : null;
        }

        /// <summary>Number of keys with a holder or a waiter (for tests and diagnostics).</summary>
        public int ActiveKeys
        {
            get { lock (_slots) return _slots.Count; }
        }

        /// <summary>Holders and waiters of <paramref name="key"/> right now (for tests and diagnostics).</summary>
        public int UsersOf(string key)
        {
            lock (_slots) return _slots.TryGetValue(key, out var slot) ? slot.Users : 0;
        }

        private Slot Enter(string key)
        {
            lock (_slots)
            {
                if (!_slots.TryGetValue(key, out var slot)) _slots[key] = slot = new Slot();
                slot.Users++;
                return slot;
            }
        }

        private void Leave(string key, Slot slot)
        {
            lock (_slots)
            {
                if (--slot.Users == 0) _slots.Remove(key);
            }
        }

        private sealed class Slot
        {
            public readonly SemaphoreSlim Gate = new SemaphoreSlim(1, 1);
            public int Users;
        }

        private sealed class Handle : IDisposable
        {
            private KeyLockTable? _owner;
            private readonly string _key;
            private readonly Slot _slot;

            public Handle(KeyLockTable owner, string key, Slot slot)
            {
                _owner = owner;
                _key = key;
                _slot = slot;
            }

            public void Dispose()
            {
                var owner = Interlocked.Exchange(ref _owner, null);
                if (owner == null) return;
                _slot.Gate.Release();
                owner.Leave(_key, _slot);
            }
        }
    }
}
