using System;

namespace TwatCache
{
    /// <summary>Raised when a store's file is damaged (not a readable database); contexts move it aside and recreate it.</summary>
    public class CacheStoreCorruptException : CacheEngineUnavailableException
    {
        /// <summary>Creates the exception with a message.</summary>
        public CacheStoreCorruptException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public CacheStoreCorruptException(string message, Exception? inner) : base(message, inner) { }

        /// <inheritdoc />
        public override string ErrorId => "TwatCache.StoreCorrupt";
    }
}
