namespace TwatCache.Contexts
{
    /// <summary>
    /// What the factory of <see cref="CacheContext.GetOrRun{T}"/> decided about its own run, after it ran:
    /// store the value (with entry options chosen from the result), hand it out without storing it, or
    /// report a failure that fail-safe may answer with a stale entry.
    /// </summary>
    internal readonly struct RunOutcome<T>
    {
        private RunOutcome(T value, CacheEntryOptions? storeWith, string? failure)
        {
            Value = value;
            StoreWith = storeWith;
            Failure = failure;
        }

        /// <summary>The computed value (default for a failure).</summary>
        public T Value { get; }

        /// <summary>Entry options to store the value with; null: not stored.</summary>
        public CacheEntryOptions? StoreWith { get; }

        /// <summary>Why the run failed, for the stale warning; null when it did not.</summary>
        public string? Failure { get; }

        /// <summary>Store <paramref name="value"/> with <paramref name="entryOptions"/>.</summary>
        public static RunOutcome<T> Store(T value, CacheEntryOptions entryOptions) => new RunOutcome<T>(value, entryOptions, null);

        /// <summary>Hand out <paramref name="value"/> without storing it.</summary>
        public static RunOutcome<T> DoNotStore(T value) => new RunOutcome<T>(value, null, null);

        /// <summary>The run failed: serve a stale entry when fail-safe allows, else nothing is stored.</summary>
        public static RunOutcome<T> Failed(string failure) => new RunOutcome<T>(default!, null, failure);
    }
}
