using System;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;

namespace TwatCache.Engines.Redis
{
    /// <summary>
    /// A lock held in Redis across processes and machines: <c>SET key token NX PX lease</c>. Only the holder
    /// of the token deletes it (compare-and-delete in Lua), a timer renews the lease while the holder runs,
    /// and a holder that dies lets the lease run out.
    /// </summary>
    internal sealed class RedisKeyLock : IDisposable
    {
        // Both scripts act only when the lock still holds this owner's token.
        private const string ReleaseScript =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
        private const string RenewScript =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

        private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
        private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(250);

        private readonly IDatabase _db;
        private readonly RedisKey _key;
        private readonly RedisValue _token;
        private readonly TimeSpan _lease;
        private readonly Timer _renewal;
        private int _released;

        private RedisKeyLock(IDatabase db, RedisKey key, RedisValue token, TimeSpan lease)
        {
            _db = db;
            _key = key;
            _token = token;
            _lease = lease;
            var every = TimeSpan.FromTicks(Math.Max(lease.Ticks / 3, TimeSpan.FromMilliseconds(50).Ticks));
            _renewal = new Timer(_ => Renew(), null, every, every);
        }

        /// <summary>
        /// Takes the lock, polling with a growing, jittered delay while another owner holds it; null when
        /// <paramref name="timeout"/> passes first.
        /// </summary>
        public static RedisKeyLock? Acquire(IDatabase db, RedisKey key, TimeSpan lease, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var token = (RedisValue)Guid.NewGuid().ToString("N");
            var poll = new Poll(timeout);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (db.StringSet(key, token, expiry: lease, when: When.NotExists))
                    return new RedisKeyLock(db, key, token, lease);
                if (!poll.TryNext(out var wait)) return null;
                cancellationToken.WaitHandle.WaitOne(wait);
            }
        }

        /// <summary>Async form of <see cref="Acquire"/>: waits between polls without holding a thread.</summary>
        public static async Task<RedisKeyLock?> AcquireAsync(IDatabase db, RedisKey key, TimeSpan lease, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var token = (RedisValue)Guid.NewGuid().ToString("N");
            var poll = new Poll(timeout);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (await db.StringSetAsync(key, token, expiry: lease, when: When.NotExists).ConfigureAwait(false))
                    return new RedisKeyLock(db, key, token, lease);
                if (!poll.TryNext(out var wait)) return null;
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        // The polling of one acquisition: a growing, jittered delay, never past the deadline.
        private sealed class Poll
        {
            private readonly DateTime _deadline;
            private readonly Random _random = new Random();
            private TimeSpan _delay = FirstPoll;

            public Poll(TimeSpan timeout) => _deadline = DateTime.UtcNow + timeout;

            // False once the deadline has passed; else the wait before the next try.
            public bool TryNext(out TimeSpan wait)
            {
                wait = TimeSpan.Zero;
                var left = _deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return false;
                var jittered = TimeSpan.FromMilliseconds(_delay.TotalMilliseconds * (0.5 + _random.NextDouble() / 2));
                wait = jittered < left ? jittered : left;
                _delay = TimeSpan.FromTicks(Math.Min(_delay.Ticks * 2, LongestPoll.Ticks));
                return true;
            }
        }

        private void Renew()
        {
            if (Volatile.Read(ref _released) != 0) return;
            try
            {
                _db.ScriptEvaluate(RenewScript, new[] { _key }, new RedisValue[] { _token, (long)_lease.TotalMilliseconds });
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException)
            {
                // The server is away: the lease runs out and another owner may take over, which only costs a duplicate run.
            }
        }

        /// <summary>Releases the lock if this owner still holds it.</summary>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            _renewal.Dispose();
            try
            {
                _db.ScriptEvaluate(ReleaseScript, new[] { _key }, new RedisValue[] { _token });
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException)
            {
                // Unreachable server: the lease expires on its own.
            }
        }
    }
}
