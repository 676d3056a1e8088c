using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TwatCache.PowerShell.Binding;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Get-CacheEntry: lists the entries of a context (default: the ambient one, else the default one):
    /// key hash, label, size, times and hits, never the values. Pipe the result into Clear-Cache to remove them.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "CacheEntry")]
    [OutputType(typeof(CacheEntryInfo))]
    public sealed class GetCacheEntryCommand : ContextCmdlet
    {
        private const string Listing = "Listing entries";
        private WildcardPattern? _label;

        /// <summary>Contexts (objects or names) to list; default: the current context.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(ContextNameCompleter))]
        public object[]? Context { get; set; }

        /// <summary>Only entries whose label matches this wildcard pattern.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string? Label { get; set; }

        /// <summary>Only entries with at least one of these tags (case-insensitive).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Tag { get; set; }

        /// <summary>Only entries whose TTL has passed (they are purged on the next read or by Clear-Cache -Expired).</summary>
        [Parameter]
        public SwitchParameter Expired { get; set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            if (Label != null) _label = new WildcardPattern(Label, WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            // Without -Context: every default context of the root (one per engine used), or the ambient one.
            IEnumerable<object> targets = Context ?? (IEnumerable<object>)CurrentContexts(Listing);
            foreach (var target in targets) List(target);
        }

        private bool HasAnyTag(CacheEntryInfo e)
            => Tag == null || e.Tags.Any(t => Tag.Any(wanted => string.Equals(t, wanted?.Trim(), StringComparison.OrdinalIgnoreCase)));

        // Defaults on shared stores (Auto, LiteDb, File of one root) see the same entries: each is listed once.
        // A memory-only context's entries are its own, even under a key a store also has.
        private readonly HashSet<string> _listed = new HashSet<string>(StringComparer.Ordinal);

        private bool FirstSighting(CacheContext ctx, CacheEntryInfo e)
            => _listed.Add((ctx.Path != null ? "store|" + ctx.Name : "memory|" + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(ctx)) + "|" + e.Key);

        private void List(object? target)
        {
            CacheEntryInfo[] rows = Array.Empty<CacheEntryInfo>();
            bool listed = TryRun(target, Listing, () =>
            {
                var ctx = ContextOf(target);
                rows = ctx.GetEntries()
                    .Where(e => FirstSighting(ctx, e))
                    .Where(e => (!Expired || e.IsExpired) && (_label == null || _label.IsMatch(e.Label)) && HasAnyTag(e))
                    .OrderBy(e => e.Created)
                    .ToArray();
            });
            // Written outside TryRun: a failure downstream in the pipeline is not a listing error.
            if (listed) foreach (var row in rows) WriteObject(row);
        }
    }
}
