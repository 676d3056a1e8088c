using System.Collections.Generic;

namespace TwatCache.Engines
{
    /// <summary>Implemented by engines that can write many entries in one transaction (bulk priming).</summary>
    internal interface IBatchWritable
    {
        /// <summary>Writes or overwrites every entry in one transaction.</summary>
        void SetMany(IReadOnlyList<CacheEntry> entries);
    }
}
