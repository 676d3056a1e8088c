using System;
using System.Linq;
using System.Management.Automation;
using TwatCache.PowerShell.Binding;
using TwatCache.PowerShell.Contexts;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Get-CacheStats: entries, size, hits, misses, hit rate and evictions per context. For persistent stores
    /// hits and misses are a running total across processes (kept beside the store) plus this process's.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CacheStats")]
    [OutputType(typeof(CacheStats))]
    public sealed class GetCacheStatsCommand : ContextCmdlet
    {
        /// <summary>Contexts (objects or names) to report; default: the current context and every open one.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(ContextNameCompleter))]
        public object[]? Context { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (Context != null)
            {
                foreach (var c in Context) Report(() => ContextOf(c), c);
                return;
            }
            // The current contexts (every default of the root, or the ambient one), then every other open one.
            // Defaults of one root share the name "default" and differ in the Engine column.
            var current = CurrentContexts("Finding the current context");
            foreach (var ctx in current.Concat(ContextRegistry.AllUnder(CurrentRoot.Of(SessionState)).Where(c => !current.Contains(c))).ToList())
                Report(() => ctx, ctx.Name);
        }

        // One context that cannot report (its store vanished, say) is an error of its own; the others still report.
        private void Report(Func<CacheContext> pick, object? target)
        {
            CacheStats? stats = null;
            if (TryRun(target, $"Reading the statistics of context '{target}'", () => stats = pick().GetStats())) WriteObject(stats);
        }
    }
}
