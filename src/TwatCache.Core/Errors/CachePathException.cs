using System;

namespace TwatCache
{
    /// <summary>Raised when the cache root or a store path is unsafe or unusable.</summary>
    public class CachePathException : TwatCacheException
    {
        /// <summary>Creates the exception with a message.</summary>
        public CachePathException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public CachePathException(string message, Exception? inner) : base(message, inner) { }

        /// <inheritdoc />
        public override string ErrorId => "TwatCache.Path";
    }
}
