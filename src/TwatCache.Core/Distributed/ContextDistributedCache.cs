using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Caching.Distributed;
using TwatCache.Keys;

namespace TwatCache.Distributed
{
    /// <summary>
    /// <see cref="IDistributedCache"/> over a <see cref="CacheContext"/> and whatever engine it runs.
    /// Sliding expiry uses the engines' own sliding entries (each read moves the expiry); an absolute
    /// limit on a sliding entry is kept in a small header of the stored bytes (<see cref="DistributedValue"/>),
    /// because an entry carries a single expiry time. The engines are synchronous today, so the async
    /// methods complete synchronously after checking the token.
    /// </summary>
    internal sealed class ContextDistributedCache : IDistributedCache
    {
        private readonly CacheContext _context;

        public ContextDistributedCache(CacheContext context) => _context = context;

        public byte[]? Get(string key)
        {
            var hash = Hash(key);
            if (!_context.TryGetByHash(hash, typeof(byte[]), out var raw) || !(raw is byte[] stored)) return null;
            if (!DistributedValue.TryRead(stored, out var limit, out var value)) return null;
            if (limit.HasValue && _context.Now >= limit.Value)
            {
                // Sliding reads kept it alive, but its absolute limit has passed.
                _context.RemoveByHash(hash);
                return null;
            }
            return value;
        }

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
        {
            token.ThrowIfCancellationRequested();
            return Task.FromResult(Get(key));
        }

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            if (value == null) throw new ArgumentNullException(nameof(value));
            if (options == null) throw new ArgumentNullException(nameof(options));
            var now = _context.Now;
            DateTimeOffset? absolute = options.AbsoluteExpiration;
            if (options.AbsoluteExpirationRelativeToNow.HasValue)
            {
                if (options.AbsoluteExpirationRelativeToNow.Value <= TimeSpan.Zero)
                    throw new ArgumentOutOfRangeException(nameof(options), options.AbsoluteExpirationRelativeToNow, "The relative expiration value must be positive.");
                absolute = now + options.AbsoluteExpirationRelativeToNow.Value;
            }
            if (absolute.HasValue && absolute.Value <= now)
                throw new ArgumentOutOfRangeException(nameof(options), absolute, "The absolute expiration value must be in the future.");
            if (options.SlidingExpiration.HasValue && options.SlidingExpiration.Value <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(options), options.SlidingExpiration, "The sliding expiration value must be positive.");

            var entry = new CacheEntryOptions { Label = key };
            DateTimeOffset? limit = null;
            if (options.SlidingExpiration.HasValue)
            {
                entry.SlidingTtl = options.SlidingExpiration;
                limit = absolute;
            }
            else if (absolute.HasValue)
            {
                entry.Ttl = absolute.Value - now;
            }
            _context.SetByHash(Hash(key), DistributedValue.Write(limit, value), typeof(byte[]), entry);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            token.ThrowIfCancellationRequested();
            Set(key, value, options);
            return Task.CompletedTask;
        }

        // A read moves a sliding expiry; the value itself is not needed.
        public void Refresh(string key) => Get(key);

        public Task RefreshAsync(string key, CancellationToken token = default)
        {
            token.ThrowIfCancellationRequested();
            Refresh(key);
            return Task.CompletedTask;
        }

        public void Remove(string key) => _context.RemoveByHash(Hash(key));

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            token.ThrowIfCancellationRequested();
            Remove(key);
            return Task.CompletedTask;
        }

        private string Hash(string key)
        {
            if (key == null) throw new ArgumentNullException(nameof(key));
            var writer = new CanonicalKeyWriter();
            writer.BeginList(2);
            writer.WriteString("distributed");
            writer.WriteString(key);
            return _context.HashKey(writer.ToArray());
        }
    }
}
