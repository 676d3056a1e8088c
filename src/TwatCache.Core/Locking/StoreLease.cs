using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using TwatCache.Storage;

namespace TwatCache.Locking
{
    /// <summary>
    /// The right to have a store file open: one process at a time, across processes. Held as an exclusive
    /// handle on a lease file (an <c>flock</c> on Unix, a share-none handle on Windows), so the OS frees it
    /// when the holder dies and a killed process never blocks the others. A process waiting for the lease
    /// holds a shared handle on a second file, so the holder can see that someone waits and step aside.
    /// </summary>
    internal sealed class StoreLease
    {
        private readonly string _leasePath;
        private readonly string _waitPath;

        /// <summary>A lease on the files <c>_lease</c> and <c>_lease.wait</c> in <paramref name="directory"/> (which must exist).</summary>
        public StoreLease(string directory)
        {
            _leasePath = Path.Combine(directory, "_lease");
            _waitPath = Path.Combine(directory, "_lease.wait");
        }

        /// <summary>
        /// Waits up to <paramref name="timeout"/> for the lease; the handle returned holds it until disposed.
        /// Polls at a fine grain: holders keep the lease for milliseconds, not seconds.
        /// </summary>
        /// <exception cref="TimeoutException">Another process held the lease for the whole wait.</exception>
        public IDisposable Acquire(TimeSpan timeout)
        {
            var held = TryOpen(_leasePath, FileShare.None);
            if (held != null) return held;
            var clock = Stopwatch.StartNew();
            using (TryOpen(_waitPath, FileShare.ReadWrite)) // tells the holder that someone waits
            {
                for (int attempt = 0; ; attempt++)
                {
                    if (attempt < 10) Thread.Yield(); else Thread.Sleep(1); // waiters must not starve the holder of CPU
                    held = TryOpen(_leasePath, FileShare.None);
                    if (held != null) return held;
                    if (clock.Elapsed > timeout)
                        throw new TimeoutException($"Another process held the store lease '{_leasePath}' for more than {timeout.TotalSeconds:F0} s.");
                }
            }
        }

        /// <summary>True when another process is waiting for the lease (it holds the wait file).</summary>
        public bool SomeoneWaits()
        {
            using var probe = TryOpen(_waitPath, FileShare.None);
            return probe == null && File.Exists(_waitPath);
        }

        private static FileStream? TryOpen(string path, FileShare share)
        {
            try
            {
                bool isNew = !File.Exists(path);
                var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, share, 1);
                if (isNew) UnixPermissions.Set(path, UnixPermissions.OwnerOnlyFile);
                return fs;
            }
            catch (IOException) when (File.Exists(path))
            {
                return null; // held by another process (or another handle of this one)
            }
            catch (UnauthorizedAccessException) when (File.Exists(path))
            {
                return null; // Windows reports a share violation this way for some handles
            }
        }
    }
}
