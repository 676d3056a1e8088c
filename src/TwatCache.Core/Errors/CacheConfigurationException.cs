using System;

namespace TwatCache
{
    /// <summary>Raised when a setting or option is invalid (bad TTL, name, engine or limit).</summary>
    public class CacheConfigurationException : TwatCacheException
    {
        /// <summary>Creates the exception with a message.</summary>
        public CacheConfigurationException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public CacheConfigurationException(string message, Exception? inner) : base(message, inner) { }

        /// <inheritdoc />
        public override string ErrorId => "TwatCache.Configuration";
    }
}
