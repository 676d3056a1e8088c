using System;

namespace TwatCache
{
    /// <summary>Raised when a value cannot be put into canonical key form.</summary>
    public class CacheKeyException : TwatCacheException
    {
        /// <summary>Creates the exception with a message.</summary>
        public CacheKeyException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public CacheKeyException(string message, Exception? inner) : base(message, inner) { }

        /// <inheritdoc />
        public override string ErrorId => "TwatCache.Key";
    }
}
