using System;
using System.IO;
using System.Threading;

namespace TwatCache.Storage
{
    /// <summary>
    /// A counter shared by every process that uses one store: an 8-byte file read, incremented and written
    /// back while an exclusive handle is held (an <c>flock</c> on Unix, a share-none handle on Windows).
    /// Eviction orders entries by the numbers it hands out, so two accesses in the same clock tick, or in
    /// two processes, still have an exact order (issue 15). Losing the file restarts it at 1, which only
    /// makes older entries look newer until they are touched again.
    /// </summary>
    internal sealed class SequenceFile
    {
        private readonly object _gate = new object(); // this process's callers take turns before the file lock
        private readonly string _path;

        public SequenceFile(string path) => _path = path;

        /// <summary>The next number (1, 2, ...), unique and increasing across the processes of the store.</summary>
        public long Next() => Reserve(1);

        /// <summary>Reserves <paramref name="count"/> consecutive numbers (a bulk write) and returns the first.</summary>
        public long Reserve(int count)
        {
            lock (_gate)
            {
                var deadline = DateTime.UtcNow.AddSeconds(30);
                for (int spin = 0; ; spin++)
                {
                    try
                    {
                        using var fs = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
                        if (fs.Length == 0) UnixPermissions.Set(_path, UnixPermissions.OwnerOnlyFile);
                        var buffer = new byte[8];
                        int read = 0;
                        while (read < 8)
                        {
                            int n = fs.Read(buffer, read, 8 - read);
                            if (n == 0) break;
                            read += n;
                        }
                        long first = (read == 8 ? BitConverter.ToInt64(buffer, 0) : 0) + 1;
                        fs.Position = 0;
                        fs.Write(BitConverter.GetBytes(first + count - 1), 0, 8);
                        return first;
                    }
                    catch (IOException) when (File.Exists(_path) && DateTime.UtcNow < deadline)
                    {
                        // Another process holds it for a few microseconds.
                        if (spin < 20) Thread.Yield();
                        else Thread.Sleep(1);
                    }
                    catch (UnauthorizedAccessException) when (File.Exists(_path) && DateTime.UtcNow < deadline)
                    {
                        Thread.Sleep(1); // Windows reports some share violations this way
                    }
                }
            }
        }
    }
}
