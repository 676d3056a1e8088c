namespace TwatCache
{
    /// <summary>Which store a context uses.</summary>
    public enum CacheEngineKind
    {
        /// <summary>Memory in front of LiteDb (the default).</summary>
        Auto,
        /// <summary>Process memory only (Microsoft.Extensions.Caching.Memory).</summary>
        Memory,
        /// <summary>One LiteDB file per context, shared across processes.</summary>
        LiteDb,
        /// <summary>One file per entry, for large results.</summary>
        File,
        /// <summary>A Redis server shared by many hosts.</summary>
        Redis,
    }
}
