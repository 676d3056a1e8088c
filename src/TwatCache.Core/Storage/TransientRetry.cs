using System;
using System.Threading;

namespace TwatCache.Storage
{
    /// <summary>
    /// Retries a store operation that failed for a passing reason (another process holds or is changing
    /// the file), with a growing, jittered pause. Shared by the LiteDb and File engines.
    /// </summary>
    internal static class TransientRetry
    {
        /// <summary>
        /// Runs <paramref name="operation"/> up to <paramref name="attempts"/> times while
        /// <paramref name="isTransient"/> says the failure is passing; the pause starts at
        /// <paramref name="firstDelayMs"/> (plus up to as much jitter) and grows by <paramref name="growth"/>.
        /// </summary>
        public static T Run<T>(Func<T> operation, Func<Exception, bool> isTransient, int attempts, int firstDelayMs, int growth)
        {
            var delay = firstDelayMs;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return operation();
                }
                catch (Exception ex) when (attempt < attempts && isTransient(ex))
                {
                    Thread.Sleep(delay + new Random().Next(delay));
                    delay *= growth;
                }
            }
        }
    }
}
