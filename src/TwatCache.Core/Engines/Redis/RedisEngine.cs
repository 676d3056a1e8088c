using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StackExchange.Redis;
using TwatCache.Locking;

namespace TwatCache.Engines.Redis
{
    /// <summary>
    /// Engine on a Redis server (or cluster) shared by many hosts, through StackExchange.Redis. Each entry is
    /// a hash at <c>twatcache:&lt;context&gt;:&lt;key&gt;</c> holding the payload beside its metadata; Redis
    /// expiry removes it when its lifetime ends (plus its fail-safe retention). Single flight spans machines
    /// through lock keys. Each tag is a set of entry keys at <c>twatcache-tag:&lt;context&gt;:&lt;tag&gt;</c>.
    /// </summary>
    /// <remarks>
    /// Lifetimes: an entry's Redis expiry is its lifetime as the writer measured it
    /// (<see cref="CacheEntry.Expires"/> minus <see cref="CacheEntry.LastAccess"/>), so a host whose clock
    /// is off still gives the entry its full lifetime; reads also compare the stored expiry with the
    /// caller's <c>now</c>, as the local engines do. Connection problems raise
    /// <see cref="CacheEngineUnavailableException"/> within the operation timeout.
    /// </remarks>
    internal sealed class RedisEngine : ICacheEngine, ICrossProcessLocking, IAsyncCrossProcessLocking, IAccessRecorder
    {
        /// <summary>Environment variable read when no connection string is given.</summary>
        public const string ConnectionVariable = "TWATCACHE_REDIS";

        private const int ScanPageSize = 500;
        private readonly ConnectionMultiplexer _mux;
        private readonly IDatabase _db;
        private readonly string _prefix;
        private readonly string _lockPrefix;
        private readonly string _tagPrefix;
        private readonly RedisKey _sequenceKey; // INCR counter: eviction order across hosts (CacheEntry.AccessSequence)

        /// <summary>
        /// Connects (or reuses this process's connection) to <paramref name="connectionString"/>, a
        /// StackExchange.Redis configuration string such as <c>localhost:6379,password=...</c>, for the keys of
        /// context <paramref name="context"/>. Throws <see cref="CacheEngineUnavailableException"/> when the
        /// server cannot be reached.
        /// </summary>
        public RedisEngine(string connectionString, string context)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new CacheConfigurationException($"The Redis engine needs a connection string (CacheOptions.ConnectionString or ${ConnectionVariable}).");
            ContextName.Validate(context);
            RedisConnections.Parse(connectionString);
            _mux = RedisConnections.Get(connectionString);
            _db = _mux.GetDatabase();
            _prefix = "twatcache:" + context + ":";
            _lockPrefix = "twatcache-lock:" + context + ":";
            _tagPrefix = "twatcache-tag:" + context + ":";
            _sequenceKey = "twatcache-seq:" + context;
            InvalidationChannel = "twatcache-inv:" + context;
            Location = "redis://" + RedisConnections.Describe(connectionString) + "/" + _db.Database + "/" + _prefix;
        }

        /// <summary>Opens the engine of a context: its connection string, else <c>$TWATCACHE_REDIS</c>.</summary>
        public static RedisEngine Open(CacheOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var cs = options.ConnectionString;
            if (string.IsNullOrWhiteSpace(cs)) cs = Environment.GetEnvironmentVariable(ConnectionVariable);
            // A temporary context gets a prefix of its own, so deleting it on dispose can never touch entries
            // that other hosts share under the plain context name.
            // (At most 40 characters of the name + 21 of suffix, within the 64-character name limit.)
            var prefixName = options.Temporary
                ? (options.Name.Length > 40 ? options.Name.Substring(0, 40) : options.Name) + ".tmp-" + Guid.NewGuid().ToString("N").Substring(0, 16)
                : options.Name;
            return new RedisEngine(cs ?? string.Empty, prefixName);
        }

        /// <summary>The shared connection (for the backplane's subscription).</summary>
        public ConnectionMultiplexer Multiplexer => _mux;

        /// <summary>The pub/sub channel on which memory layers over this context learn of changes.</summary>
        public string InvalidationChannel { get; }

        /// <summary>How long a cross-process lock lives without renewal, i.e. how soon a dead owner's lock frees.</summary>
        public TimeSpan LockLease { get; set; } = TimeSpan.FromSeconds(15);

        /// <summary>
        /// Give every hit an access sequence number (one INCR more per hit), for contexts that evict by LRU or
        /// LFU; otherwise only writes take one.
        /// </summary>
        public bool TrackEveryAccess { get; set; }

        /// <inheritdoc />
        public string Name => "Redis";

        /// <inheritdoc />
        public bool StoresObjects => false;

        /// <inheritdoc />
        public string? Location { get; }

        /// <summary>The Redis key of an entry key.</summary>
        public string RedisKeyOf(string key) => _prefix + key;

        /// <summary>The Redis key of the set that indexes <paramref name="tag"/>.</summary>
        public string RedisTagKeyOf(string tag) => _tagPrefix + (tag ?? throw new ArgumentNullException(nameof(tag))).ToLowerInvariant();

        /// <inheritdoc />
        public CacheEntry? Get(string key, DateTimeOffset now) => Guard(() =>
        {
            var redisKey = (RedisKey)RedisKeyOf(key);
            var entry = RedisEntryCodec.FromHash(key, _db.HashGetAll(redisKey));
            if (entry == null) return null;
            if (entry.IsExpiredAt(now))
            {
                if (!entry.IsRetainedAt(now)) _db.KeyDelete(redisKey);
                return null;
            }
            entry.Touch(now);
            // Recording the read need not hold the caller up; commands on one connection stay in order.
            _db.HashIncrement(redisKey, RedisEntryCodec.Hits, 1, CommandFlags.FireAndForget);
            _db.HashSet(redisKey, RedisEntryCodec.Access, now.UtcTicks, flags: CommandFlags.FireAndForget);
            if (TrackEveryAccess)
            {
                entry.AccessSequence = _db.StringIncrement(_sequenceKey);
                _db.HashSet(redisKey, RedisEntryCodec.AccessSequence, entry.AccessSequence, flags: CommandFlags.FireAndForget);
            }
            if (entry.Sliding.HasValue && entry.Expires.HasValue)
            {
                _db.HashSet(redisKey, RedisEntryCodec.Expires, entry.Expires!.Value.UtcTicks, flags: CommandFlags.FireAndForget);
                _db.KeyExpire(redisKey, entry.RetainUntil!.Value - now, CommandFlags.FireAndForget);
            }
            return entry;
        });

        /// <inheritdoc />
        /// <remarks>Only an existing entry is updated (a transaction conditioned on the key), so no stray hash appears.</remarks>
        public void RecordAccess(string key, DateTimeOffset now) => Guard(() =>
        {
            var redisKey = (RedisKey)RedisKeyOf(key);
            long sequence = _db.StringIncrement(_sequenceKey);
            var tx = _db.CreateTransaction();
            tx.AddCondition(Condition.KeyExists(redisKey));
            _ = tx.HashIncrementAsync(redisKey, RedisEntryCodec.Hits, 1);
            _ = tx.HashSetAsync(redisKey, new[] { new HashEntry(RedisEntryCodec.Access, now.UtcTicks), new HashEntry(RedisEntryCodec.AccessSequence, sequence) });
            return tx.Execute();
        });

        /// <inheritdoc />
        public CacheEntry? GetStale(string key, DateTimeOffset now) => Guard(() =>
        {
            var redisKey = (RedisKey)RedisKeyOf(key);
            var entry = RedisEntryCodec.FromHash(key, _db.HashGetAll(redisKey));
            if (entry == null) return null;
            if (entry.IsRetainedAt(now)) return entry;
            _db.KeyDelete(redisKey);
            return null;
        });

        /// <inheritdoc />
        /// <remarks>
        /// Reads the tag's set, checks each member's <c>tags</c> field (an entry rewritten without the tag stays),
        /// deletes the tagged ones, and takes exactly the members it read out of the set (a concurrent writer's new
        /// member survives).
        /// </remarks>
        public int RemoveByTag(string tag) => Guard(() =>
        {
            var setKey = (RedisKey)RedisTagKeyOf(tag);
            var members = _db.SetMembers(setKey);
            if (members.Length == 0) return 0;
            int removed = 0;
            for (int start = 0; start < members.Length; start += ScanPageSize)
            {
                var page = members.Skip(start).Take(ScanPageSize).ToArray();
                var tagReads = page.Select(m => _db.HashGetAsync(RedisKeyOf((string)m!), RedisEntryCodec.Tags)).ToArray();
                var tagValues = _db.Wait(Task.WhenAll(tagReads));
                var doomed = new List<Task<bool>>();
                for (int i = 0; i < page.Length; i++)
                {
                    var probe = new CacheEntry((string)page[i]!) { Tags = RedisEntryCodec.SplitTags(tagValues[i]) };
                    if (probe.HasTag(tag)) doomed.Add(_db.KeyDeleteAsync(RedisKeyOf(probe.Key)));
                }
                removed += _db.Wait(Task.WhenAll(doomed)).Count(d => d);
                _db.SetRemove(setKey, page);
            }
            return removed;
        });

        /// <inheritdoc />
        public void Set(CacheEntry entry)
        {
            if (entry == null) throw new ArgumentNullException(nameof(entry));
            if (entry.Payload == null) throw new ArgumentException("The Redis engine stores payload bytes; the entry has none.", nameof(entry));
            var redisKey = (RedisKey)RedisKeyOf(entry.Key);
            TimeSpan? lifetime = entry.RetainUntil.HasValue ? entry.RetainUntil.Value - entry.LastAccess : (TimeSpan?)null;
            Guard(() =>
            {
                if (lifetime.HasValue && lifetime.Value <= TimeSpan.Zero)
                {
                    _db.KeyDelete(redisKey);
                    return true;
                }
                // Tag sets first and outside the transaction (a cluster runs MULTI on one slot only): a member
                // whose entry is missing or untagged is harmless, RemoveByTag checks each one.
                if (entry.Tags.Count > 0)
                    _db.Wait(Task.WhenAll(entry.Tags.Select(t => _db.SetAddAsync(RedisTagKeyOf(t), entry.Key))));
                entry.WriteSequence = entry.AccessSequence = _db.StringIncrement(_sequenceKey);
                // One transaction, so a reader never sees new fields with the old expiry (or none).
                var tx = _db.CreateTransaction();
                _ = tx.KeyDeleteAsync(redisKey);
                _ = tx.HashSetAsync(redisKey, RedisEntryCodec.ToHash(entry));
                if (lifetime.HasValue) _ = tx.KeyExpireAsync(redisKey, lifetime.Value);
                if (!tx.Execute()) throw new CacheEngineUnavailableException("Redis did not apply the write.");
                return true;
            });
        }

        /// <inheritdoc />
        public bool Remove(string key) => Guard(() => _db.KeyDelete(RedisKeyOf(key)));

        /// <inheritdoc />
        /// <remarks>SCANs the context's prefix on every primary in pages, never KEYS, and deletes each page.</remarks>
        public int Clear() => Guard(() =>
        {
            int removed = 0;
            foreach (var page in ScanPages(_prefix))
            {
                var deletions = page.Select(k => _db.KeyDeleteAsync(k)).ToArray();
                removed += _db.Wait(Task.WhenAll(deletions)).Count(d => d);
            }
            foreach (var page in ScanPages(_tagPrefix)) _db.Wait(Task.WhenAll(page.Select(k => _db.KeyDeleteAsync(k))));
            _db.KeyDelete(_sequenceKey); // no entry is left to compare with
            return removed;
        });

        /// <inheritdoc />
        public int RemoveExpired(DateTimeOffset now) => Guard(() =>
        {
            // Redis drops entries when their lifetime ends; this also honours the caller's clock.
            int removed = 0;
            foreach (var (key, entry) in ScanMetadata())
            {
                if (!entry.IsRetainedAt(now) && _db.KeyDelete(key)) removed++;
            }
            return removed;
        });

        /// <inheritdoc />
        public IReadOnlyList<CacheEntry> List() => Guard(() =>
            (IReadOnlyList<CacheEntry>)ScanMetadata().Select(x => x.Entry).ToList());

        /// <inheritdoc />
        public StoreSummary Summarize() => Guard(() =>
        {
            long count = 0, bytes = 0;
            foreach (var (_, entry) in ScanMetadata())
            {
                count++;
                bytes += entry.SizeBytes;
            }
            return new StoreSummary(count, bytes, 0);
        });

        /// <inheritdoc />
        /// <remarks>
        /// An unreachable server answers null, as a timeout would: single flight then stays within the process
        /// and the caller computes, while its store calls report the failure.
        /// </remarks>
        public IDisposable? AcquireLock(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            try
            {
                return RedisKeyLock.Acquire(_db, _lockPrefix + key, LockLease, timeout, cancellationToken);
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException)
            {
                return null;
            }
        }

        /// <summary>
        /// Async form of <see cref="AcquireLock"/> (<see cref="IAsyncCrossProcessLocking"/>): polls without
        /// holding a thread; null when the timeout passes or the server is unreachable.
        /// </summary>
        public async Task<IDisposable?> AcquireLockAsync(string key, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            try
            {
                return await RedisKeyLock.AcquireAsync(_db, _lockPrefix + key, LockLease, timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException)
            {
                return null;
            }
        }

        /// <summary>Does nothing: the connection is shared by the process and outlives contexts.</summary>
        public void Dispose() { }

        private IEnumerable<RedisKey[]> ScanPages(string prefix)
        {
            var pattern = (RedisValue)(prefix + "*");
            foreach (var server in _mux.GetServers())
            {
                if (server.IsReplica) continue;
                // A primary that is away holds keys of this context too: never report a partial scan as complete.
                if (!server.IsConnected) throw new CacheEngineUnavailableException($"Redis primary {server.EndPoint} is not connected.");
                var page = new List<RedisKey>(ScanPageSize);
                foreach (var key in server.Keys(_db.Database, pattern, ScanPageSize))
                {
                    page.Add(key);
                    if (page.Count == ScanPageSize)
                    {
                        yield return page.ToArray();
                        page.Clear();
                    }
                }
                if (page.Count > 0) yield return page.ToArray();
            }
        }

        private IEnumerable<(RedisKey Key, CacheEntry Entry)> ScanMetadata()
        {
            foreach (var page in ScanPages(_prefix))
            {
                var reads = page.Select(k => _db.HashGetAsync(k, RedisEntryCodec.MetadataFields)).ToArray();
                var values = _db.Wait(Task.WhenAll(reads));
                for (int i = 0; i < page.Length; i++)
                {
                    var entry = RedisEntryCodec.FromMetadata(((string)page[i]!).Substring(_prefix.Length), values[i]);
                    if (entry != null) yield return (page[i], entry);
                }
            }
        }

        private T Guard<T>(Func<T> operation)
        {
            try
            {
                return operation();
            }
            catch (Exception ex) when (ex is RedisException || ex is TimeoutException)
            {
                throw new CacheEngineUnavailableException($"Redis at {Location} failed: {ex.Message}", ex);
            }
        }
    }
}
