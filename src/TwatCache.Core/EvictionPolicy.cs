namespace TwatCache
{
    /// <summary>Which entries go first when a context is over its size limits.</summary>
    public enum EvictionPolicy
    {
        /// <summary>Least recently used.</summary>
        Lru,
        /// <summary>Least frequently used.</summary>
        Lfu,
        /// <summary>Oldest written first.</summary>
        Fifo,
        /// <summary>Any entry.</summary>
        Random,
    }
}
