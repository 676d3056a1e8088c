namespace TwatCache.Engines
{
    /// <summary>Entry count and sizes of one store.</summary>
    internal readonly struct StoreSummary
    {
        /// <summary>Creates a summary.</summary>
        public StoreSummary(long entries, long payloadBytes, long fileBytes)
        {
            Entries = entries;
            PayloadBytes = payloadBytes;
            FileBytes = fileBytes;
        }

        /// <summary>Number of entries, expired ones not yet purged included.</summary>
        public long Entries { get; }

        /// <summary>Sum of the entries' sizes.</summary>
        public long PayloadBytes { get; }

        /// <summary>Bytes the store takes on disk (0 for memory).</summary>
        public long FileBytes { get; }
    }
}
