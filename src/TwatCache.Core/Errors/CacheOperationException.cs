using System;

namespace TwatCache
{
    /// <summary>Raised when a read, write or removal failed inside an engine.</summary>
    public class CacheOperationException : TwatCacheException
    {
        /// <summary>Creates the exception with a message.</summary>
        public CacheOperationException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public CacheOperationException(string message, Exception? inner) : base(message, inner) { }

        /// <inheritdoc />
        public override string ErrorId => "TwatCache.Operation";
    }
}
