using System;

namespace TwatCache
{
    /// <summary>Raised when a value cannot be written to or read from a payload.</summary>
    public class CacheSerializationException : TwatCacheException
    {
        /// <summary>Creates the exception with a message.</summary>
        public CacheSerializationException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public CacheSerializationException(string message, Exception? inner) : base(message, inner) { }

        /// <inheritdoc />
        public override string ErrorId => "TwatCache.Serialization";
    }
}
