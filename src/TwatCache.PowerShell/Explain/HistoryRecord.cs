using System;

namespace TwatCache.PowerShell.Explain
{
    /// <summary>What the miss history keeps of one stored entry: its key hash, when it was written and expires, and its key parts.</summary>
    internal sealed class HistoryRecord
    {
        public HistoryRecord(string hash, DateTimeOffset created, DateTimeOffset? expires, string keyParts)
        {
            Hash = hash;
            Created = created;
            Expires = expires;
            KeyParts = keyParts;
        }

        public string Hash { get; }

        public DateTimeOffset Created { get; }

        /// <summary>Null when the entry never expires or its expiry is not known when written (a sliding lifetime).</summary>
        public DateTimeOffset? Expires { get; }

        /// <summary>The entry's key parts in their stored text form (see <see cref="Keys.KeyPartsText"/>).</summary>
        public string KeyParts { get; }
    }
}
