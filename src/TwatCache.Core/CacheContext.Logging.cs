using System;
using Microsoft.Extensions.Logging;

namespace TwatCache
{
    public sealed partial class CacheContext
    {
        // Hits are the common case (Debug); misses say work is being done (Information); a store that
        // fell back or an entry that could not be read is worth a look (Warning).
        private static readonly Action<ILogger, string, string, Exception?> HitMessage =
            LoggerMessage.Define<string, string>(LogLevel.Debug, new EventId(1, "CacheHit"), "Cache hit {Key} in context '{Context}'.");
        private static readonly Action<ILogger, string, string, Exception?> MissMessage =
            LoggerMessage.Define<string, string>(LogLevel.Information, new EventId(2, "CacheMiss"), "Cache miss {Key} in context '{Context}'.");
        private static readonly Action<ILogger, string, string, Exception?> ComputedMessage =
            LoggerMessage.Define<string, string>(LogLevel.Debug, new EventId(3, "CacheStored"), "Computed and stored {Key} in context '{Context}'.");
        private static readonly Action<ILogger, string, Exception?> FallbackMessage =
            LoggerMessage.Define<string>(LogLevel.Warning, new EventId(4, "CacheFallback"), "{Warning}");
        private static readonly Action<ILogger, string, int, int, Exception?> ForeignFormatMessage =
            LoggerMessage.Define<string, int, int>(LogLevel.Debug, new EventId(5, "CacheForeignFormat"),
                "Entry {Key} has payload format {Format}, which serializer format {Reader} cannot read: a miss; the entry is kept.");

        private void LogLookup(string hash, bool hit)
        {
            var logger = Options.Logger;
            if (logger == null) return;
            if (hit) HitMessage(logger, hash, Name, null);
            else MissMessage(logger, hash, Name, null);
        }

        private void LogComputed(string hash)
        {
            if (Options.Logger != null) ComputedMessage(Options.Logger, hash, Name, null);
        }

        private void LogStartupWarnings()
        {
            if (Options.Logger == null) return;
            foreach (var warning in _warnings) FallbackMessage(Options.Logger, warning, null);
        }

        private void LogForeignFormat(string hash, int format)
        {
            if (Options.Logger != null) ForeignFormatMessage(Options.Logger, hash, format, _serializer.FormatId, null);
        }
    }
}
