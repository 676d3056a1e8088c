using System;
using System.Diagnostics;
using System.Threading;
using LiteDB;
using TwatCache.Locking;

namespace TwatCache.Engines
{
    /// <summary>
    /// A LiteDB file opened in direct mode only while this process holds the store's <see cref="StoreLease"/>:
    /// a session. LiteDB's shared mode opens and closes the file around every operation (most of a hit's
    /// cost); a session instead serves a run of operations with one open engine and a warm page cache, and
    /// is closed, and the lease released, when the process goes idle for <see cref="IdleRelease"/>, when it
    /// has held the file for <see cref="MaxHold"/> and another process waits, after a read that missed (a
    /// block is about to run), and on any error. Every process opens the file this way and only under the
    /// lease, so direct and shared access never mix and no two engines ever have the file open at once.
    /// Each write is committed to LiteDB's log before it returns, so an acknowledged write survives
    /// <c>kill -9</c>; the next holder replays the log as it opens.
    /// </summary>
    internal sealed class LeasedDatabase : IDisposable
    {
        /// <summary>How long a session stays open with no operation before its lease is released.</summary>
        public static readonly TimeSpan IdleRelease = TimeSpan.FromMilliseconds(2);

        /// <summary>How long a session may last while another process waits for the file.</summary>
        public static readonly TimeSpan MaxHold = TimeSpan.FromMilliseconds(20);

        /// <summary>How long an operation waits for another process to release the file.</summary>
        public static readonly TimeSpan LeaseTimeout = TimeSpan.FromSeconds(30);

        private static readonly long IdleTicks = (long)(IdleRelease.TotalSeconds * Stopwatch.Frequency);
        private static readonly long MaxHoldTicks = (long)(MaxHold.TotalSeconds * Stopwatch.Frequency);

        private readonly object _gate = new object();
        private readonly string _file;
        private readonly string _collection;
        private readonly StoreLease _lease;
        private readonly Timer _idleTimer;
        private IDisposable? _held;
        private LiteDatabase? _db;
        private ILiteCollection<BsonDocument>? _entries;
        private long _openedAt, _lastUse;
        private bool _disposed;

        /// <summary>Sessions on <paramref name="file"/>'s collection <paramref name="collection"/>, leased in <paramref name="lockDirectory"/>.</summary>
        public LeasedDatabase(string file, string collection, string lockDirectory)
        {
            _file = file;
            _collection = collection;
            _lease = new StoreLease(lockDirectory);
            _idleTimer = new Timer(_ => ReleaseIfIdle(), null, Timeout.Infinite, Timeout.Infinite);
        }

        /// <summary>Sessions opened so far (a diagnostic for tests and benchmarks).</summary>
        public long Sessions { get; private set; }

        /// <summary>
        /// Runs <paramref name="operation"/> in a session, opening one when none is; <paramref name="release"/>
        /// says, from the result, whether to end the session right after.
        /// </summary>
        public T Run<T>(Func<ILiteCollection<BsonDocument>, T> operation, Func<T, bool>? release = null)
        {
            lock (_gate)
            {
                if (_disposed) throw new ObjectDisposedException(nameof(LeasedDatabase));
                if (_db != null && Stopwatch.GetTimestamp() - _openedAt > MaxHoldTicks)
                {
                    if (_lease.SomeoneWaits())
                    {
                        Close();
                        Thread.Sleep(2); // long enough for a waiter polling every millisecond to take the lease
                    }
                    else
                    {
                        _openedAt = Stopwatch.GetTimestamp(); // look again one MaxHold from now
                    }
                }
                var entries = _entries ?? Open();
                bool ok = false;
                try
                {
                    var result = operation(entries);
                    ok = true;
                    if (release != null && release(result)) Close();
                    return result;
                }
                finally
                {
                    if (!ok) Close(); // whatever LiteDB hit, the next session starts from the file
                    _lastUse = Stopwatch.GetTimestamp();
                }
            }
        }

        /// <summary>
        /// Another collection of the open file, for an operation that <see cref="Run{T}"/> is running (the caller
        /// holds the session: no other process or thread has the file meanwhile).
        /// </summary>
        public ILiteCollection<BsonDocument> Collection(string name) => InOperation().GetCollection(name);

        // The open file, for calls that only an operation in progress may make.
        private LiteDatabase InOperation()
        {
            if (_db == null || !Monitor.IsEntered(_gate)) throw new InvalidOperationException("This is only done inside a session's operation.");
            return _db;
        }

        /// <summary>Runs <paramref name="writes"/> as one LiteDB transaction, inside an operation (rolled back if it throws).</summary>
        public void InTransaction(Action writes)
        {
            var db = InOperation();
            db.BeginTrans();
            try
            {
                writes();
            }
            catch
            {
                db.Rollback();
                throw;
            }
            db.Commit();
        }

        /// <summary>Drops the collection <paramref name="name"/> of the open file, inside an operation.</summary>
        public void DropCollection(string name)
        {
            var db = InOperation();
            if (db.CollectionExists(name)) db.DropCollection(name);
        }

        /// <summary>Runs <paramref name="operation"/> and ends the session after it.</summary>
        public T RunOnce<T>(Func<ILiteCollection<BsonDocument>, T> operation) => Run(operation, _ => true);

        /// <summary>Ends the session now (the file is closed and the lease released), if one is open.</summary>
        public void Release()
        {
            lock (_gate) Close();
        }

        private ILiteCollection<BsonDocument> Open()
        {
            var held = _lease.Acquire(LeaseTimeout);
            try
            {
                _db = new LiteDatabase(new ConnectionString { Filename = _file, Connection = ConnectionType.Direct });
                _entries = _db.GetCollection(_collection);
            }
            catch
            {
                _db?.Dispose();
                _db = null;
                _entries = null;
                held.Dispose();
                throw;
            }
            _held = held;
            _openedAt = _lastUse = Stopwatch.GetTimestamp();
            Sessions++;
            _idleTimer.Change(IdleRelease, IdleRelease);
            return _entries;
        }

        private void Close()
        {
            if (_db == null) return;
            _idleTimer.Change(Timeout.Infinite, Timeout.Infinite);
            try
            {
                _db.Dispose(); // checkpoints LiteDB's log into the data file
            }
            finally
            {
                _db = null;
                _entries = null;
                _held?.Dispose();
                _held = null;
            }
        }

        private void ReleaseIfIdle()
        {
            // Never wait for an operation in progress: it will come back here on the next tick.
            if (!Monitor.TryEnter(_gate)) return;
            try
            {
                if (_db != null && Stopwatch.GetTimestamp() - _lastUse >= IdleTicks) Close();
            }
            catch (Exception)
            {
                // A failed close leaves nothing open (Close clears state in finally); the next session reopens.
            }
            finally
            {
                Monitor.Exit(_gate);
            }
        }

        /// <inheritdoc />
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                _idleTimer.Dispose();
                Close();
            }
        }
    }
}
