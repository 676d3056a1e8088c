using System;

namespace TwatCache
{
    /// <summary>Base type of every error TwatCache raises; catch it to handle any cache failure.</summary>
    public class TwatCacheException : Exception
    {
        /// <summary>Creates the exception with a message.</summary>
        public TwatCacheException(string message) : base(message) { }

        /// <summary>Creates the exception with a message and the error that caused it.</summary>
        public TwatCacheException(string message, Exception? inner) : base(message, inner) { }

        /// <summary>A stable identifier of the error kind, used as the PowerShell FullyQualifiedErrorId.</summary>
        public virtual string ErrorId => "TwatCache.Error";
    }
}
