using System;
using System.Threading;

namespace TwatCache.Locking
{
    /// <summary>
    /// Implemented by engines that can hold a per-key lock across processes or machines (single flight
    /// beyond this process). The lock must be released by the OS or expire when its holder dies.
    /// </summary>
    internal interface ICrossProcessLocking
    {
        /// <summary>Takes the cross-process lock of <paramref name="key"/>, or returns null when <paramref name="timeout"/> passes first.</summary>
        IDisposable? AcquireLock(string key, TimeSpan timeout, CancellationToken cancellationToken = default);
    }
}
