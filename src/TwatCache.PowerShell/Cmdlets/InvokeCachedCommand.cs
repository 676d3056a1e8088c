using System;
using System.Management.Automation;
using TwatCache.PowerShell.Binding;
using TwatCache.PowerShell.Contexts;
using TwatCache.PowerShell.Execution;
using TwatCache.PowerShell.Keys;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Invoke-Cached: runs a script block once per distinct input and replays its output afterwards.
    /// The key is the block's text, arguments, pipeline item and the values of the variables it reads
    /// (or -Key alone). Misses stream output live and store it when the block completes without errors.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "Cached")]
    [OutputType(typeof(object))]
    public sealed class InvokeCachedCommand : PSCmdlet
    {
        private static readonly TimeSpan SingleFlightWait = TimeSpan.FromMinutes(5);
        private CacheContext? _context;
        private BlockAnalysis? _block;
        private bool _disabled;
        private bool _verbose;

        /// <summary>The block to run on a miss.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        /// <summary>Pipeline input: each item is keyed and cached separately and is <c>$_</c> in the block.</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>How long the result stays valid: a TimeSpan, seconds, or text such as 90s, 30m, 1h30m, 2d.</summary>
        [Parameter]
        [TtlTransformation]
        public TimeSpan? Ttl { get; set; }

        /// <summary>Lifetime renewed by each hit.</summary>
        [Parameter]
        [TtlTransformation]
        public TimeSpan? SlidingTtl { get; set; }

        /// <summary>Engine of the default context to use (when no -Context is given).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(EngineCompleter))]
        public CacheEngineKind? Engine { get; set; }

        /// <summary>The context (object or name) to cache in; default: the ambient context, else the default one.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ContextNameCompleter))]
        public object? Context { get; set; }

        /// <summary>An explicit key that replaces the block text, arguments, item and variables.</summary>
        [Parameter]
        public object? Key { get; set; }

        /// <summary>Arguments bound to the block's param() block; part of the key.</summary>
        [Parameter]
        [Alias("Args")]
        public object?[]? ArgumentList { get; set; }

        /// <summary>Run the block even on a hit and overwrite the entry.</summary>
        [Parameter]
        public SwitchParameter Refresh { get; set; }

        /// <summary>Store the result even when the block wrote non-terminating errors.</summary>
        [Parameter]
        public SwitchParameter CacheOnError { get; set; }

        /// <summary>Store an empty result (by default a block that outputs nothing is not cached).</summary>
        [Parameter]
        public SwitchParameter CacheEmpty { get; set; }

        /// <summary>
        /// When the entry has expired and the refresh fails (the block throws or writes errors), return the
        /// expired result with one warning instead, if it was written less than -MaxStale ago. Default: the
        /// context's setting (New-CacheContext -FailSafe); -FailSafe:$false turns it off for one call.
        /// </summary>
        [Parameter]
        public SwitchParameter FailSafe { get; set; }

        /// <summary>How old (since it was written) a stale result may be and still be returned by -FailSafe; default: the context's, else 1 day.</summary>
        [Parameter]
        [TtlTransformation]
        public TimeSpan? MaxStale { get; set; }

        /// <summary>Tags stored with the entry (case-insensitive); Clear-Cache -Tag removes by them and Get-CacheEntry -Tag lists by them.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ValidateCount(1, 32)]
        [ValidateLength(1, 128)]
        public string[]? Tag { get; set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            _disabled = IsDisabledByEnvironment();
            _verbose = MyInvocation.BoundParameters.ContainsKey("Verbose")
                ? ((SwitchParameter)MyInvocation.BoundParameters["Verbose"]).ToBool()
                : !Equals(GetVariableValue("VerbosePreference") is ActionPreference p ? p : ActionPreference.SilentlyContinue, ActionPreference.SilentlyContinue);
            if (_disabled)
            {
                if (_verbose) WriteVerbose("TWATCACHE_DISABLE is set: the block runs without caching.");
                return;
            }
            try
            {
                _context = ContextResolver.Resolve(Context, Engine);
            }
            catch (TwatCacheException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, Context));
            }
            if (ContextRegistry.ShouldWarn(_context!))
            {
                foreach (var warning in _context!.Warnings) WriteWarning(warning);
            }
            _block = BlockAnalysis.Of(ScriptBlock);
            WarnIfSelfModified(_block);
        }

        // A block that reads and changes $script:x puts x in its key and then changes it: it can never hit.
        // Said once per block, with the way out.
        private void WarnIfSelfModified(BlockAnalysis block)
        {
            if (Key != null || block.SelfModifiedVariables.Count == 0 || block.SelfModifiedWarned) return;
            block.SelfModifiedWarned = true;
            var names = "$" + string.Join(", $", block.SelfModifiedVariables);
            WriteWarning($"The block reads and changes {names}: the value is part of the cache key and each run changes it, so this block never hits. Pass -Key with the inputs that identify the result to cache it.");
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            bool hasItem = MyInvocation.ExpectingInput;
            object? item = hasItem ? InputObject : null;
            if (_disabled)
            {
                BlockRunner.Run(ScriptBlock, new OutputSink(this, keep: false), hasItem, item, ArgumentList);
                return;
            }
            var ctx = _context!;
            string hash = BuildKey(ctx, hasItem, item, out var description);

            try
            {
                if (!Refresh && TryReplay(ctx, hash, description, counted: true)) return;
                using (var gate = ctx.AcquireKeyLock(hash, SingleFlightWait))
                {
                    // Another runspace may have produced the entry while this one waited.
                    if (!Refresh && gate != null && TryReplay(ctx, hash, description, counted: false)) return;
                    RunAndStore(ctx, hash, description, hasItem, item);
                }
            }
            finally
            {
                // A store that failed mid-call (and fell back to memory) says so once.
                foreach (var warning in ctx.DrainWarnings()) WriteWarning(warning);
            }
        }

        private string BuildKey(CacheContext ctx, bool hasItem, object? item, out string description)
        {
            try
            {
                byte[] canonical;
                if (Key != null)
                {
                    // The wrapper goes in as given: PowerShell members (a PSCustomObject's properties) are part of a -Key,
                    // and a wrapper with nothing attached encodes as its base (a string -Key still matches C# string keys).
                    canonical = InvocationKey.ForExplicitKey(Key);
                    description = "-Key";
                }
                else
                {
                    canonical = InvocationKey.ForBlock(_block!, ArgumentList, hasItem, item, SessionState, out description);
                }
                return ctx.HashKey(canonical);
            }
            catch (TwatCacheException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, Key ?? item));
                throw; // not reached: ThrowTerminatingError always throws
            }
        }

        private bool TryReplay(CacheContext ctx, string hash, string description, bool counted)
        {
            object? value;
            bool found = counted ? ctx.TryGetByHash(hash, typeof(object[]), out value) : ctx.TryPeek(hash, typeof(object[]), out value);
            if (!found)
            {
                if (_verbose && counted) WriteVerbose($"Cache miss {hash} in context '{ctx.Name}' ({ctx.EngineName}); key from {description}.");
                return false;
            }
            var items = value as object[] ?? Array.Empty<object>();
            if (_verbose) WriteVerbose($"Cache hit {hash} in context '{ctx.Name}' ({ctx.EngineName}): replaying {items.Length} object(s); key from {description}.");
            foreach (var o in items) WriteObject(o);
            return true;
        }

        private void RunAndStore(CacheContext ctx, string hash, string description, bool hasItem, object? item)
        {
            bool failSafe = IsFailSafe(ctx);
            // Fail-safe holds the refresh's output back: a refresh that fails half-way must not mix its
            // partial output with the stale result.
            var sink = new OutputSink(this, keep: true, hold: failSafe);
            ErrorRecord? terminating = null;
            try
            {
                BlockRunner.Run(ScriptBlock, sink, hasItem, item, ArgumentList);
            }
            catch (RuntimeException ex) when (!(ex is PipelineStoppedException))
            {
                // A terminating error stores nothing and reaches the caller as PowerShell raised it.
                if (!failSafe) ThrowTerminatingError(ex.ErrorRecord);
                terminating = ex.ErrorRecord;
            }
            if (failSafe)
            {
                var failure = terminating ?? (sink.ErrorCount > 0 && !CacheOnError ? sink.FirstError : null);
                if (failure != null && TryServeStale(ctx, hash, failure)) return;
                sink.Release();
                if (terminating != null) ThrowTerminatingError(terminating);
            }

            if (sink.ErrorCount > 0 && !CacheOnError)
            {
                if (_verbose) WriteVerbose($"Not cached: the block wrote {sink.ErrorCount} error(s) (use -CacheOnError to cache anyway).");
                return;
            }
            if (sink.Outputs.Count == 0 && !CacheEmpty)
            {
                if (_verbose) WriteVerbose("Not cached: the block wrote no output (use -CacheEmpty to cache an empty result).");
                return;
            }
            try
            {
                ctx.SetByHash(hash, sink.Outputs.ToArray(), typeof(object[]), new CacheEntryOptions
                {
                    Ttl = Ttl,
                    SlidingTtl = SlidingTtl,
                    Label = Key != null ? LabelOf(Key) : _block!.Label,
                    FailSafe = failSafe,
                    MaxStale = MaxStale,
                    Tags = Tag,
                });
                if (_verbose) WriteVerbose($"Stored {sink.Outputs.Count} object(s) as {hash} in context '{ctx.Name}' ({ctx.EngineName}).");
            }
            catch (TwatCacheException ex)
            {
                // The block's result already reached the caller; a cache that cannot store it only warns.
                WriteWarning($"The result was not cached: {ex.Message}");
            }
        }

        private bool IsFailSafe(CacheContext ctx)
            => MyInvocation.BoundParameters.ContainsKey(nameof(FailSafe)) ? FailSafe.IsPresent : ctx.Options.FailSafe;

        // Answers a failed refresh with the kept result when it is young enough; one warning says how old.
        private bool TryServeStale(CacheContext ctx, string hash, ErrorRecord failure)
        {
            var limit = MaxStale ?? ctx.Options.MaxStale ?? CacheOptions.DefaultMaxStale;
            if (!ctx.TryGetStaleByHash(hash, typeof(object[]), limit, out var value, out var entry)) return false;
            var now = ctx.Now;
            var expired = entry!.Expires.HasValue && entry.Expires.Value <= now ? $", expired {Age(now - entry.Expires.Value)} ago" : string.Empty;
            WriteWarning($"The refresh failed ({failure.Exception?.Message ?? failure.ToString()}); returning the cached result from {Age(now - entry.Created)} ago{expired} (fail-safe, context '{ctx.Name}').");
            var items = value as object[] ?? Array.Empty<object>();
            foreach (var o in items) WriteObject(o);
            return true;
        }

        private static string Age(TimeSpan t)
        {
            if (t < TimeSpan.Zero) t = TimeSpan.Zero;
            if (t.TotalDays >= 1) return $"{(int)t.TotalDays}d {t.Hours}h";
            if (t.TotalHours >= 1) return $"{(int)t.TotalHours}h {t.Minutes}m";
            if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes}m {t.Seconds}s";
            return $"{Math.Max(0, (int)t.TotalSeconds)}s";
        }

        private static string LabelOf(object key) => (key is PSObject pso ? pso.BaseObject : key)?.ToString() ?? "-Key";

        private static bool IsDisabledByEnvironment()
        {
            var v = Environment.GetEnvironmentVariable("TWATCACHE_DISABLE");
            return !string.IsNullOrEmpty(v) && v != "0" && !string.Equals(v, "false", StringComparison.OrdinalIgnoreCase);
        }
    }
}
