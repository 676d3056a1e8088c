using System;
using System.IO;
using System.Management.Automation;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Builds ErrorRecords with stable FullyQualifiedErrorIds from TwatCache exceptions: the id is the
    /// exception's <see cref="TwatCacheException.ErrorId"/> (PowerShell appends the cmdlet's type name).
    /// </summary>
    internal static class ErrorRecords
    {
        /// <summary>Id of an error about a context that was disposed.</summary>
        public const string ContextDisposedId = "TwatCache.ContextDisposed";

        public static ErrorRecord From(TwatCacheException ex, object? target)
            => new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex), target);

        /// <summary>The category a user filters on: bad input, a store that cannot start, bad data, an unsafe path, a failed operation.</summary>
        public static ErrorCategory CategoryOf(TwatCacheException ex) => ex switch
        {
            Contexts.ContextNotFoundException _ => ErrorCategory.ObjectNotFound,
            CacheConfigurationException _ => ErrorCategory.InvalidArgument,
            CacheKeyException _ => ErrorCategory.InvalidArgument,
            CacheEngineUnavailableException _ => ErrorCategory.ResourceUnavailable,
            CacheSerializationException _ => ErrorCategory.InvalidData,
            CachePathException _ => ErrorCategory.PermissionDenied,
            CacheOperationException _ => ErrorCategory.WriteError,
            _ => ErrorCategory.NotSpecified,
        };

        /// <summary>
        /// An ErrorRecord for any failure a management cmdlet meets: TwatCache errors keep their id; a disposed
        /// context and store I/O failures get ids of their own; anything else is a TwatCache.Operation error.
        /// </summary>
        public static ErrorRecord FromAny(Exception ex, object? target, string doing)
        {
            switch (ex)
            {
                case TwatCacheException tce:
                    return From(tce, target);
                case ObjectDisposedException ode:
                    return new ErrorRecord(new CacheConfigurationException(ode.Message, ode), ContextDisposedId, ErrorCategory.InvalidOperation, target);
                case IOException _:
                case UnauthorizedAccessException _:
                    var io = new CacheOperationException($"{doing} failed: {ex.Message}", ex);
                    return new ErrorRecord(io, io.ErrorId, ErrorCategory.ResourceUnavailable, target);
                default:
                    var op = new CacheOperationException($"{doing} failed: {ex.Message}", ex);
                    return new ErrorRecord(op, op.ErrorId, ErrorCategory.NotSpecified, target);
            }
        }

        /// <summary>True for exceptions a cmdlet reports as an error of the current item instead of crashing the pipeline.</summary>
        public static bool IsReportable(Exception ex)
            => !(ex is PipelineStoppedException) && !(ex is ActionPreferenceStopException) && !(ex is OutOfMemoryException);
    }
}
