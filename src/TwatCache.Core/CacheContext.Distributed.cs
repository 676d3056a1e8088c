using Microsoft.Extensions.Caching.Distributed;
using TwatCache.Distributed;

namespace TwatCache
{
    public sealed partial class CacheContext
    {
        /// <summary>
        /// This context as an <see cref="IDistributedCache"/> (byte[] values, null on a miss, absolute,
        /// relative and sliding expiry, Refresh), so an ASP.NET app can keep its distributed cache or session
        /// state in the context's store. Its keys live in their own key space: <c>Get("k")</c> here never
        /// reads a value written by <see cref="Set{T}"/>. The adapter does not own the context: dispose the context.
        /// </summary>
        public IDistributedCache AsDistributedCache() => new ContextDistributedCache(this);
    }
}
