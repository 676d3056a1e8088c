using System;
using System.Threading;
using System.Threading.Tasks;

namespace TwatCache.Locking
{
    /// <summary>
    /// Implemented by engines whose cross-process lock can be awaited without holding a thread (such as a
    /// lock kept in Redis). Engines with only <see cref="ICrossProcessLocking"/> are called synchronously.
    /// </summary>
    internal interface IAsyncCrossProcessLocking
    {
        /// <summary>Takes the cross-process lock of <paramref name="key"/>, or returns null when <paramref name="timeout"/> passes first.</summary>
        Task<IDisposable?> AcquireLockAsync(string key, TimeSpan timeout, CancellationToken cancellationToken = default);
    }
}
