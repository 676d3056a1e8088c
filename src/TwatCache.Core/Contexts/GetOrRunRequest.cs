using System;

namespace TwatCache.Contexts
{
    /// <summary>How <see cref="CacheContext.GetOrRun{T}"/> treats one key.</summary>
    internal sealed class GetOrRunRequest
    {
        public GetOrRunRequest(string hash) => Hash = hash ?? throw new ArgumentNullException(nameof(hash));

        /// <summary>The hashed key (<see cref="CacheContext.HashKey(byte[])"/>).</summary>
        public string Hash { get; }

        /// <summary>Run the factory even on a hit and overwrite the entry.</summary>
        public bool Refresh { get; set; }

        /// <summary>A failed run (<see cref="RunOutcome{T}.Failed"/>) is answered with a stale entry younger than <see cref="MaxStale"/>, if one is kept.</summary>
        public bool FailSafe { get; set; }

        /// <summary>The fail-safe age limit (since the stale entry was written).</summary>
        public TimeSpan MaxStale { get; set; } = CacheOptions.DefaultMaxStale;

        /// <summary>With <see cref="FailSafe"/>, a factory exception (not a cancellation) is a failure too (the C# API); otherwise it leaves as thrown.</summary>
        public bool StaleOnException { get; set; }

        /// <summary>The caller's read-ahead of its key family (a pipeline's lookups of one block), used by the first lookup only; null for none.</summary>
        public FamilyReadAhead? ReadAhead { get; set; }

        /// <summary>Called once when the first lookup missed, before waiting for the key's lock (not on -Refresh).</summary>
        public Action? OnMiss { get; set; }
    }
}
