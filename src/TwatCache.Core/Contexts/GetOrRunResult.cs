using TwatCache.Engines;

namespace TwatCache.Contexts
{
    /// <summary>How <see cref="CacheContext.GetOrRun{T}"/> answered.</summary>
    internal enum GetOrRunStatus
    {
        /// <summary>Served from the cache (possibly produced by another caller while this one waited).</summary>
        Hit,
        /// <summary>Computed and stored.</summary>
        Stored,
        /// <summary>Computed; the factory chose not to store it, or storing failed (<see cref="GetOrRunResult{T}.StoreError"/>).</summary>
        NotStored,
        /// <summary>The run failed and a stale entry was served (<see cref="GetOrRunResult{T}.StaleEntry"/>).</summary>
        StaleServed,
        /// <summary>The run failed and no stale entry could answer; nothing was stored.</summary>
        Failed,
    }

    /// <summary>The answer of <see cref="CacheContext.GetOrRun{T}"/>.</summary>
    internal sealed class GetOrRunResult<T>
    {
        internal GetOrRunResult(GetOrRunStatus status, T value) { Status = status; Value = value; }

        public GetOrRunStatus Status { get; }

        /// <summary>The value served or computed (default for <see cref="GetOrRunStatus.Failed"/>).</summary>
        public T Value { get; }

        /// <summary>The failure reported by the factory (StaleServed, Failed).</summary>
        public string? Failure { get; internal set; }

        /// <summary>Metadata of the stale entry served (its Created and Expires say how old it is).</summary>
        public CacheEntry? StaleEntry { get; internal set; }

        /// <summary>Why a value the factory asked to store was not stored (it could not be serialized).</summary>
        public TwatCacheException? StoreError { get; internal set; }
    }
}
