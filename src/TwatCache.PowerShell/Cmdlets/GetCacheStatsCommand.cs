using System;
using System.Linq;
using System.Management.Automation;
using TwatCache.PowerShell.Contexts;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>Get-CacheStats: hits, misses, entries and size per open context.</summary>
    [Cmdlet(VerbsCommon.Get, "CacheStats")]
    [OutputType(typeof(CacheStats))]
    public sealed class GetCacheStatsCommand : PSCmdlet
    {
        /// <summary>Contexts (objects or names) to report; default: the current context and every open one.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        public object[]? Context { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Context != null)
            {
                foreach (var c in Context) Report(() => ContextResolver.FromArgument(c), c);
                return;
            }
            CacheContext? current = null;
            Report(() => current = ContextResolver.Resolve(null, null), null);
            foreach (var ctx in ContextRegistry.All().Where(c => !ReferenceEquals(c, current)))
                Report(() => ctx, ctx.Name);
        }

        // One context that cannot report (its store vanished, say) is an error of its own; the others still report.
        private void Report(Func<CacheContext> pick, object? target)
        {
            try
            {
                WriteObject(pick().GetStats());
            }
            catch (TwatCacheException ex)
            {
                WriteError(ErrorRecords.From(ex, target));
            }
            catch (Exception ex) when (ex is System.IO.IOException || IsStoreException(ex) || ex is UnauthorizedAccessException)
            {
                WriteError(ErrorRecords.From(new CacheOperationException($"Statistics of context '{target}' cannot be read: {ex.Message}", ex), target));
            }
        }

        // By name: the cmdlet assembly references no dependency (LiteDB loads in TwatCache's own load context).
        private static bool IsStoreException(Exception ex) => ex.GetType().FullName == "LiteDB.LiteException";
    }
}
