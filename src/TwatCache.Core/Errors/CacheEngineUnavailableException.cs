using System;

namespace TwatCache
{
    /// <summary>Raised when an engine cannot start or reach its store.</summary>
    public class CacheEngineUnavailableException : TwatCacheException
    {
        /// <summary>Creates the exception with a message.</summary>
        public CacheEngineUnavailableException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public CacheEngineUnavailableException(string message, Exception? inner) : base(message, inner) { }

        /// <inheritdoc />
        public override string ErrorId => "TwatCache.EngineUnavailable";
    }
}
