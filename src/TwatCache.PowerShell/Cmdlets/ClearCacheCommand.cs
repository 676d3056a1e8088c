using System;
using System.Management.Automation;
using TwatCache.PowerShell.Contexts;
using TwatCache.PowerShell.Keys;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Clear-Cache: removes entries of a context (default: the current one), every layer included.
    /// -Expired removes only expired entries; -Key removes one entry by its -Key value or key hash.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "Cache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = "All")]
    [OutputType(typeof(int))]
    public sealed class ClearCacheCommand : PSCmdlet
    {
        /// <summary>The context (object or name) to clear; default: the ambient context, else the default one.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        public object? Context { get; set; }

        /// <summary>Remove only entries whose TTL has passed.</summary>
        [Parameter(ParameterSetName = "Expired", Mandatory = true)]
        public SwitchParameter Expired { get; set; }

        /// <summary>Remove the entry of this -Key value (as given to Invoke-Cached -Key), or of this 32-character key hash.</summary>
        [Parameter(ParameterSetName = "Key", Mandatory = true)]
        public object? Key { get; set; }

        /// <summary>Write the number of entries removed.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            CacheContext ctx;
            try
            {
                ctx = ContextResolver.Resolve(Context, null);
            }
            catch (TwatCacheException ex)
            {
                WriteError(ErrorRecords.From(ex, Context));
                return;
            }
            int removed = 0;
            if (Expired)
            {
                if (ShouldProcess($"context '{ctx.Name}' ({ctx.EngineName})", "Remove expired entries")) removed = ctx.RemoveExpired();
            }
            else if (ParameterSetName == "Key")
            {
                var hash = HashOf(ctx, Key!);
                if (ShouldProcess($"entry {hash} of context '{ctx.Name}'", "Remove")) removed = ctx.RemoveByHash(hash) ? 1 : 0;
            }
            else if (ShouldProcess($"context '{ctx.Name}' ({ctx.EngineName})", "Remove all entries"))
            {
                removed = ctx.Clear();
            }
            WriteVerbose($"Removed {removed} entr{(removed == 1 ? "y" : "ies")} from context '{ctx.Name}'.");
            if (PassThru) WriteObject(removed);
        }

        private static string HashOf(CacheContext ctx, object key)
        {
            var bare = key is PSObject pso ? pso.BaseObject : key;
            if (bare is string s && s.Length == 32 && IsHex(s)) return s;
            return ctx.HashKey(InvocationKey.ForExplicitKey(bare));
        }

        private static bool IsHex(string s)
        {
            foreach (var c in s)
            {
                if (!Uri.IsHexDigit(c) || char.IsUpper(c)) return false;
            }
            return true;
        }
    }
}
