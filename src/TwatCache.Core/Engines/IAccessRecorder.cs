using System;

namespace TwatCache.Engines
{
    /// <summary>
    /// Implemented by stores that can record a read served by a layer in front of them (the context's
    /// memory layer), with the store's access sequence, so that LRU and LFU eviction see every read, across
    /// processes, in the order the reads happened.
    /// </summary>
    internal interface IAccessRecorder
    {
        /// <summary>Records a read of <paramref name="key"/> at <paramref name="now"/> (access time, hit count, access sequence); no-op when absent.</summary>
        void RecordAccess(string key, DateTimeOffset now);
    }
}
