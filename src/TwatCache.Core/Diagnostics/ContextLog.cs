using System;
using Microsoft.Extensions.Logging;

namespace TwatCache.Diagnostics
{
    /// <summary>
    /// The log lines of one context. Hits are the common case (Debug); misses say work is being done
    /// (Information); a store that fell back, an entry that could not be read or a stale answer is worth a look (Warning).
    /// </summary>
    internal sealed class ContextLog
    {
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
        private static readonly Action<ILogger, string, string, TimeSpan, Exception?> StaleServedMessage =
            LoggerMessage.Define<string, string, TimeSpan>(LogLevel.Warning, new EventId(6, "CacheStaleServed"),
                "Refresh of {Key} in context '{Context}' failed; served the stale entry written {Age} ago (fail-safe).");

        private readonly ILogger? _logger;
        private readonly string _context;

        public ContextLog(ILogger? logger, string context)
        {
            _logger = logger;
            _context = context;
        }

        public void Lookup(string hash, bool hit)
        {
            if (_logger == null) return;
            if (hit) HitMessage(_logger, hash, _context, null);
            else MissMessage(_logger, hash, _context, null);
        }

        public void Computed(string hash)
        {
            if (_logger != null) ComputedMessage(_logger, hash, _context, null);
        }

        public void Warning(string warning)
        {
            if (_logger != null) FallbackMessage(_logger, warning, null);
        }

        public void ForeignFormat(string hash, int format, int readerFormat)
        {
            if (_logger != null) ForeignFormatMessage(_logger, hash, format, readerFormat, null);
        }

        public void StaleServed(string hash, TimeSpan age)
        {
            if (_logger != null) StaleServedMessage(_logger, hash, _context, age, null);
        }
    }
}
