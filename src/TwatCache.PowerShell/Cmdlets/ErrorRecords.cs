using System;
using System.Management.Automation;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>Builds ErrorRecords with stable FullyQualifiedErrorIds from TwatCache exceptions.</summary>
    internal static class ErrorRecords
    {
        public static ErrorRecord From(TwatCacheException ex, object? target)
        {
            var category = ex switch
            {
                CacheConfigurationException _ => ErrorCategory.InvalidArgument,
                CacheKeyException _ => ErrorCategory.InvalidArgument,
                CacheEngineUnavailableException _ => ErrorCategory.ResourceUnavailable,
                CacheSerializationException _ => ErrorCategory.InvalidData,
                CachePathException _ => ErrorCategory.PermissionDenied,
                _ => ErrorCategory.WriteError,
            };
            return new ErrorRecord(ex, ex.ErrorId, category, target);
        }

        public static ErrorRecord Make(string message, string id, ErrorCategory category, object? target)
            => new ErrorRecord(new InvalidOperationException(message), id, category, target);
    }
}
