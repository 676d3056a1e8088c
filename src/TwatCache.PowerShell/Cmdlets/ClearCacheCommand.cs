using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using TwatCache.PowerShell.Binding;
using TwatCache.PowerShell.Contexts;
using TwatCache.PowerShell.Keys;
using TwatCache.Storage;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Clear-Cache: removes entries. Without parameters it empties the current context (ambient, else the
    /// default), every layer; -Context picks contexts (objects or names, also from the pipeline); entries
    /// piped from Get-CacheEntry are removed one by one; -Key removes one entry; -Expired and -OlderThan
    /// narrow what goes; -Tag removes the entries with a tag; -All covers every open context and every store
    /// under the cache root.
    /// One confirmation per context; -WhatIf lists each entry that would go.
    /// </summary>
    [Cmdlet(VerbsCommon.Clear, "Cache", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ContextSet)]
    [OutputType(typeof(int))]
    public sealed class ClearCacheCommand : ContextCmdlet
    {
        private const string ContextSet = "Context";
        private const string KeySet = "Key";
        private const string AllSet = "All";
        private const string TagSet = "Tag";
        private const int ProgressThreshold = 200;
        private const int ProgressEvery = 100;
        private const int ProgressId = 0x7C4C;
        private const string Finding = "Finding the context";
        private int _removed;

        // Per context, the keys -Expired / -OlderThan select now: piped rows are judged by their entry's current state.
        private readonly Dictionary<CacheContext, HashSet<string>> _selected = new Dictionary<CacheContext, HashSet<string>>();

        /// <summary>
        /// Contexts (objects or names) to clear, or entries from Get-CacheEntry to remove; default: the
        /// ambient context, else the default one.
        /// </summary>
        [Parameter(ParameterSetName = ContextSet, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = KeySet, Position = 0, ValueFromPipeline = true)]
        [Parameter(ParameterSetName = TagSet, Position = 0, ValueFromPipeline = true)]
        [ArgumentCompleter(typeof(ContextNameCompleter))]
        [Alias("InputObject")]
        public object[]? Context { get; set; }

        /// <summary>Remove the entry of this -Key value (as given to Invoke-Cached -Key), or of this 32-character key hash.</summary>
        [Parameter(ParameterSetName = KeySet, Mandatory = true)]
        public object? Key { get; set; }

        /// <summary>Remove every entry that has any of these tags (case-insensitive), found through the store's tag index.</summary>
        [Parameter(ParameterSetName = TagSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string[]? Tag { get; set; }

        /// <summary>Remove only entries whose TTL has passed (entries kept for fail-safe stay until their -MaxStale passes).</summary>
        [Parameter(ParameterSetName = ContextSet)]
        [Parameter(ParameterSetName = AllSet)]
        public SwitchParameter Expired { get; set; }

        /// <summary>Remove only entries written longer ago than this (a TTL: 30m, 1d, 00:10:00...). With -Expired, both must hold.</summary>
        [Parameter(ParameterSetName = ContextSet)]
        [Parameter(ParameterSetName = AllSet)]
        [TtlTransformation]
        public TimeSpan? OlderThan { get; set; }

        /// <summary>Clear every open context and every store found under the cache root, open or not.</summary>
        [Parameter(ParameterSetName = AllSet, Mandatory = true)]
        public SwitchParameter All { get; set; }

        /// <summary>Write the number of entries removed.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        private bool Filtered => Expired || OlderThan.HasValue;

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (ParameterSetName == AllSet)
            {
                ClearAll();
                return;
            }
            if (Context == null)
            {
                // The ambient context, else every default context of the root: entries written with
                // Invoke-Cached -Engine X are cleared like any other.
                foreach (var ctx in CurrentContexts(Finding)) OnContext(ctx, ClearContext);
                return;
            }
            foreach (var item in Context)
            {
                CacheContext? found = null;
                if (!TryRun(item, Finding, () => found = ContextOf(item))) continue;
                var ctx = found!;
                // A row of Get-CacheEntry is that entry, in the context it came from (one of several defaults too).
                var bare = item is PSObject pso ? pso.BaseObject : item;
                if (bare is CacheEntryInfo entry && ParameterSetName == ContextSet) OnContext(ctx, c => RemoveEntry(c, entry));
                else OnContext(ctx, ClearContext);
            }
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            WriteVerbose($"Removed {_removed} entr{(_removed == 1 ? "y" : "ies")}.");
            if (PassThru) WriteObject(_removed);
        }

        // A context or store that fails is an error of its own; the others are still cleared.
        private void OnContext(CacheContext ctx, Action<CacheContext> action) => TryRun(ctx.Name, $"Clearing '{ctx.Name}'", () => action(ctx));

        private void ClearContext(CacheContext ctx)
        {
            if (ParameterSetName == KeySet)
            {
                var hash = HashOf(ctx, Key!);
                if (ShouldProcess(EntryTarget(ctx, hash, null), "Remove") && ctx.RemoveByHash(hash)) _removed++;
                return;
            }
            if (ParameterSetName == TagSet)
            {
                ClearTags(ctx);
                return;
            }
            var candidates = Filtered || WhatIfActive ? Candidates(ctx) : null;
            if (WhatIfActive)
            {
                // -WhatIf names every entry that would go (ShouldProcess prints and returns false).
                foreach (var e in candidates!) ShouldProcess(EntryTarget(ctx, e.Key, e.Label), "Remove");
                if (candidates!.Count == 0) WriteVerbose($"Context '{ctx.Name}': nothing to remove.");
                return;
            }
            if (!Filtered)
            {
                if (ShouldProcess($"context '{ctx.Name}' ({ctx.EngineName})", "Remove all entries")) _removed += ctx.Clear();
                return;
            }
            if (candidates!.Count == 0) return;
            if (!ShouldProcess($"context '{ctx.Name}' ({ctx.EngineName})", $"Remove {candidates.Count} {Describe()} entr{(candidates.Count == 1 ? "y" : "ies")}")) return;
            if (Expired && !OlderThan.HasValue)
            {
                _removed += ctx.RemoveExpired();
                return;
            }
            RemoveWithProgress(ctx, candidates.Select(e => e.Key).ToList());
        }

        // The store removes by its tag index; -WhatIf lists the tagged entries instead (a listing, as -WhatIf does elsewhere).
        private void ClearTags(CacheContext ctx)
        {
            var tags = Tag!.Select(t => t.Trim()).ToArray();
            if (WhatIfActive)
            {
                var tagged = ctx.GetEntries().Where(e => e.Tags.Any(t => tags.Contains(t, StringComparer.OrdinalIgnoreCase))).ToList();
                foreach (var e in tagged) ShouldProcess(EntryTarget(ctx, e.Key, e.Label), "Remove");
                if (tagged.Count == 0) WriteVerbose($"Context '{ctx.Name}': no entry is tagged {string.Join(", ", tags)}.");
                return;
            }
            if (!ShouldProcess($"context '{ctx.Name}' ({ctx.EngineName})", $"Remove the entries tagged {string.Join(", ", tags.Select(t => "'" + t + "'"))}")) return;
            foreach (var tag in tags) _removed += ctx.RemoveByTag(tag);
        }

        private void RemoveEntry(CacheContext ctx, CacheEntryInfo entry)
        {
            if (Filtered && !SelectedKeys(ctx).Contains(entry.Key)) return;
            if (ShouldProcess(EntryTarget(ctx, entry.Key, entry.Label), "Remove") && ctx.RemoveByHash(entry.Key)) _removed++;
        }

        // The entries -Expired and -OlderThan select (every entry without them), as the context lists them now.
        private List<CacheEntryInfo> Candidates(CacheContext ctx)
        {
            var now = ctx.Now;
            return ctx.GetEntries().Where(e => Selected(e, now)).ToList();
        }

        private HashSet<string> SelectedKeys(CacheContext ctx)
        {
            if (!_selected.TryGetValue(ctx, out var keys))
            {
                keys = new HashSet<string>(Candidates(ctx).Select(e => e.Key), StringComparer.Ordinal);
                _selected[ctx] = keys;
            }
            return keys;
        }

        // -Expired: what the core purges (expired, and no longer kept for fail-safe: the entry's State is Expired).
        // -OlderThan: written longer ago than that age. With both, both must hold.
        private bool Selected(CacheEntryInfo e, DateTimeOffset now)
            => (!Expired || (e.IsExpired && !e.IsStale)) && (!OlderThan.HasValue || WrittenLongerAgo(e.Created, now, OlderThan.Value));

        // An age longer than the calendar goes back (TimeSpan.MaxValue) matches nothing, never overflows.
        private static bool WrittenLongerAgo(DateTimeOffset created, DateTimeOffset now, TimeSpan age)
            => age < now.UtcDateTime - DateTime.MinValue && created <= now - age;

        private void ClearAll()
        {
            var root = CurrentRoot.Of(SessionState);
            var open = ContextRegistry.AllUnder(root);
            var openPaths = new HashSet<string>(open.Where(c => c.Path != null).Select(c => c.Path!), StringComparer.Ordinal);
            // LiteDB stores and File-engine stores (<name>.files/) alike.
            var closed = StoreLayout.StoreNames(root).Where(n => !openPaths.Contains(StoreLayout.LocationOf(root, n))).ToList();
            int total = open.Count + closed.Count, done = 0;
            foreach (var ctx in open)
            {
                Progress("Clearing every context", ctx.Name, done++, total);
                if (!ctx.IsDisposed) OnContext(ctx, ClearContext);
            }
            foreach (var name in closed)
            {
                Progress("Clearing every context", name, done++, total);
                TryRun(name, $"Clearing '{name}'", () =>
                {
                    using var ctx = ContextRegistry.OpenStore(name, root);
                    ClearContext(ctx);
                });
            }
            if (total > 1) CompleteProgress("Clearing every context");
        }

        private void RemoveWithProgress(CacheContext ctx, IReadOnlyList<string> hashes)
        {
            var activity = $"Clearing context '{ctx.Name}'";
            bool show = hashes.Count >= ProgressThreshold;
            for (int i = 0; i < hashes.Count; i++)
            {
                if (show && i % ProgressEvery == 0) Progress(activity, $"{i} of {hashes.Count} entries removed", i, hashes.Count);
                if (ctx.RemoveByHash(hashes[i])) _removed++;
            }
            if (show) CompleteProgress(activity);
        }

        private void Progress(string activity, string status, int done, int total)
        {
            if (total < 2) return;
            WriteProgress(new ProgressRecord(ProgressId, activity, status) { PercentComplete = (int)(100L * done / total) });
        }

        private void CompleteProgress(string activity)
            => WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });

        private string Describe()
            => Expired && OlderThan.HasValue ? $"expired and older than {OlderThan.Value}" : Expired ? "expired" : $"older than {OlderThan!.Value}";

        private static string EntryTarget(CacheContext ctx, string hash, string? label)
            => string.IsNullOrEmpty(label) ? $"entry {hash} of context '{ctx.Name}'" : $"entry {hash} ({label}) of context '{ctx.Name}'";

        // -WhatIf given here, or $WhatIfPreference set by the caller.
        private bool WhatIfActive
        {
            get
            {
                if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w)) return w is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(w);
                return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
            }
        }

        private static string HashOf(CacheContext ctx, object key)
        {
            var bare = key is PSObject pso ? pso.BaseObject : key;
            if (bare is CacheEntryInfo entry) return entry.Key;
            if (bare is string s && s.Length == 32 && IsHex(s)) return s;
            // The wrapper goes in as given: PowerShell members (a PSCustomObject's properties) are part of a -Key.
            return ctx.HashKey(InvocationKey.ForExplicitKey(key));
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
