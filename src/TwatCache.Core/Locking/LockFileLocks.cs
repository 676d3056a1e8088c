using System;
using System.IO;
using System.Threading;
using TwatCache.Storage;

namespace TwatCache.Locking
{
    /// <summary>
    /// Cross-process per-key locks: one lock file per key in a directory, held by opening it exclusively
    /// (on Unix .NET takes an <c>flock</c>; on Windows a share-none handle). The OS drops the lock when the
    /// holder's process dies, so a killed process never blocks the others. Lock files are empty and kept.
    /// </summary>
    internal sealed class LockFileLocks : ICrossProcessLocking
    {
        private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(200);

        /// <summary>Uses (and creates, owner-only) <paramref name="directory"/> for the lock files.</summary>
        public LockFileLocks(string directory)
        {
            Directory = System.IO.Path.GetFullPath(directory);
            UnixPermissions.CreateDirectory(Directory, UnixPermissions.OwnerOnlyDirectory);
        }

        /// <summary>Where the lock files live.</summary>
        public string Directory { get; }

        /// <inheritdoc />
        public IDisposable? AcquireLock(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var path = System.IO.Path.Combine(Directory, key + ".lock");
            var deadline = DateTime.UtcNow + timeout;
            var poll = TimeSpan.FromMilliseconds(10);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var held = TryOpen(path);
                if (held != null) return held;
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return null;
                var wait = poll < left ? poll : left;
                if (cancellationToken.WaitHandle.WaitOne(wait)) cancellationToken.ThrowIfCancellationRequested();
                poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, MaxPoll.Ticks));
            }
        }

        private static FileStream? TryOpen(string path)
        {
            try
            {
                bool isNew = !File.Exists(path);
                var fs = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
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
