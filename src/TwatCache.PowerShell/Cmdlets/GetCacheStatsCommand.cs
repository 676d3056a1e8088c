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
            try
            {
                if (Context != null)
                {
                    foreach (var c in Context) WriteObject(ContextResolver.FromArgument(c).GetStats());
                    return;
                }
                var current = ContextResolver.Resolve(null, null);
                var all = ContextRegistry.All();
                foreach (var ctx in new[] { current }.Concat(all.Where(c => !ReferenceEquals(c, current))))
                    WriteObject(ctx.GetStats());
            }
            catch (TwatCacheException ex)
            {
                WriteError(ErrorRecords.From(ex, Context));
            }
        }
    }
}
