using System;
using System.Collections.Generic;
using System.Management.Automation;
using TwatCache.Contexts;
using TwatCache.PowerShell.Binding;
using TwatCache.PowerShell.Contexts;
using TwatCache.PowerShell.Execution;
using TwatCache.PowerShell.Explain;
using TwatCache.PowerShell.Keys;
using TwatCache.PowerShell.Serialization;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Invoke-Cached: runs a script block once per distinct input and replays its output afterwards.
    /// The key is the block's text, arguments, pipeline item (or, for a begin/process/end block, the whole
    /// input list) and the values of the variables it reads (or -Key alone). Misses run the block as
    /// <c>&amp; { }</c> would (see <see cref="BlockRunner"/>) and store its output and exit code when it
    /// completes without errors and without a failing native command.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "Cached", DefaultParameterSetName = TtlSet)]
    [OutputType(typeof(object))]
    public sealed class InvokeCachedCommand : PSCmdlet, IDisposable
    {
        private CacheContext? _context;
        private BlockAnalysis? _block;
        private bool _disabled;
        private bool _verbose;
        private bool _wholeInput;
        private List<object?>? _input;
        // Key parts and miss explanations, -DependsOn files, -ExpiresAt (see the Explain, Keys and Binding folders).
        private const string TtlSet = "Ttl", ExpiresAtSet = "ExpiresAt";
        private CallExplanation? _explain;
        private DependsOnFiles? _dependsOn;
        private ExpiresAtArgument? _expiresAt;
        // The block's key family, and this call's read-ahead of it (a pipeline of hits reads the block's entries once).
        private string? _family;
        private FamilyReadAhead? _readAhead;

        /// <summary>The block to run on a miss.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public ScriptBlock ScriptBlock { get; set; } = null!;

        /// <summary>
        /// Pipeline input. A plain block runs once per item with <c>$_</c> set, each item its own entry; a block
        /// with begin/process/end, <c>$input</c> or a pipeline-bound parameter gets all items in one run, one entry.
        /// </summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>How long the result stays valid: a TimeSpan, seconds, or text such as 90s, 30m, 1h30m, 2d.</summary>
        [Parameter(ParameterSetName = TtlSet)]
        [TtlTransformation]
        public TimeSpan? Ttl { get; set; }

        /// <summary>
        /// When the result expires: a DateTime/DateTimeOffset, or a script block run on the result after the
        /// block ran (<c>$_</c> is the single output object, or the array of outputs) that returns one.
        /// A time in the past stores nothing. Cannot be used with -Ttl.
        /// </summary>
        [Parameter(ParameterSetName = ExpiresAtSet, Mandatory = true)]
        public object ExpiresAt { get; set; } = null!;

        /// <summary>
        /// Files whose contents are part of the key: paths relative to the current location, globs with
        /// <c>*</c>, <c>?</c> and <c>**</c>, directories (recursively). A missing file is keyed as missing;
        /// modification times do not count. Each file is read once per call.
        /// </summary>
        [Parameter]
        [ValidateNotNull]
        public string[]? DependsOn { get; set; }

        /// <summary>Store the warnings and information records (Write-Warning, Write-Information, Write-Host) the block writes and write them again, in order, on hits.</summary>
        [Parameter]
        public SwitchParameter ReplayStreams { get; set; }

        /// <summary>Lifetime renewed by each hit.</summary>
        [Parameter]
        [TtlTransformation]
        public TimeSpan? SlidingTtl { get; set; }

        /// <summary>Engine of the default context to use (when no -Context is given).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(EngineCompleter))]
        [EngineTransformation]
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

        /// <summary>True when -Verbose (or $VerbosePreference) asks for the key and hit/miss lines.</summary>
        internal bool IsVerbose => _verbose;

        /// <summary>The label a stored entry gets: the explicit key, else the block's first line.</summary>
        internal string EntryLabel => Key != null ? LabelOf(Key) : _block!.Label;

        /// <summary>True when a failed run may be answered by a stale entry: -FailSafe, else the context's setting.</summary>
        internal bool IsFailSafe(CacheContext ctx)
            => MyInvocation.BoundParameters.ContainsKey(nameof(FailSafe)) ? FailSafe.IsPresent : ctx.Options.FailSafe;

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            _disabled = DisableSetting.IsDisabled(WriteWarning);
            DetectShape();
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
                _context = ContextResolver.Resolve(Context, Engine, SessionState);
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
            if (Key == null)
            {
                _family = _block.FamilyIn(_context!);
                // Only a pipeline makes more than one lookup per call.
                if (!_wholeInput && !Refresh && MyInvocation.ExpectingInput) _readAhead = _context!.StartReadAhead(_family);
            }
            WarnIfSelfModified(_block);
            ReadDependsOnAndExpiresAt();
        }

        // Once per call: check -ExpiresAt and read the -DependsOn files.
        private void ReadDependsOnAndExpiresAt()
        {
            try
            {
                if (ParameterSetName == ExpiresAtSet) _expiresAt = ExpiresAtArgument.From(ExpiresAt);
                if (DependsOn != null) _dependsOn = DependsOnFiles.Read(DependsOn, SessionState.Path.CurrentFileSystemLocation.ProviderPath);
            }
            catch (PSArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "TwatCache.ExpiresAt", ErrorCategory.InvalidArgument, ExpiresAt));
            }
            catch (TwatCacheException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, DependsOn));
            }
        }

        // Made on the first miss of the call: a hit never opens the block's miss history.
        private CallExplanation Explanation => _explain ??= new CallExplanation(_context!, ScriptBlock, _block!);

        // A block that reads and changes $script:x puts x in its key and then changes it: it can never hit.
        // Said once per block, with the way out.
        private void WarnIfSelfModified(BlockAnalysis block)
        {
            if (Key != null || block.SelfModifiedVariables.Count == 0 || block.SelfModifiedWarned) return;
            block.SelfModifiedWarned = true;
            var names = "$" + string.Join(", $", block.SelfModifiedVariables);
            WriteWarning($"The block reads and changes {names}: the value is part of the cache key and each run changes it, so this block never hits. Pass -Key with the inputs that identify the result to cache it.");
        }

        private void DetectShape()
        {
            _wholeInput = PipelineShape.TakesWholeInput(ScriptBlock);
            if (_wholeInput) _input = new List<object?>();
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            bool hasItem = MyInvocation.ExpectingInput;
            if (_wholeInput)
            {
                // Keyed and run in EndProcessing, once the whole input is known.
                if (hasItem) _input!.Add(InputObject);
                return;
            }
            Invoke(hasItem, hasItem ? InputObject : null, hasItem ? BlockRunMode.Item : BlockRunMode.None);
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (_wholeInput)
            {
                bool hasInput = MyInvocation.ExpectingInput;
                Invoke(hasInput, hasInput ? _input!.ToArray() : null, hasInput ? BlockRunMode.Whole : BlockRunMode.None);
            }
            _explain?.Save();
            FinishReadAhead();
        }

        /// <summary>Writes back what the call's read-ahead still owes the store (also when a downstream command stopped the pipeline early).</summary>
        public void Dispose() => FinishReadAhead();

        private void FinishReadAhead()
        {
            var readAhead = _readAhead;
            _readAhead = null;
            if (readAhead != null) _context!.FinishReadAhead(readAhead);
        }

        // One lookup-or-run: per item for a plain block, once per call for a whole-input block.
        private void Invoke(bool hasItem, object? item, BlockRunMode mode)
        {
            if (_disabled)
            {
                RunBlock(NewRun(mode, item, new OutputSink(keep: false, hold: false)));
                return;
            }
            var ctx = _context!;
            // Without input the block sees the caller's $_: when it mentions $_, that value is its item in the key.
            if (mode == BlockRunMode.None && PipelineShape.MentionsDollarUnder(ScriptBlock))
            {
                var outer = SessionState.PSVariable.GetValue("_");
                if (outer != null)
                {
                    hasItem = true;
                    item = outer;
                }
            }
            string hash = BuildKey(ctx, hasItem, item, out var description);
            bool failSafe = IsFailSafe(ctx);
            // The key's named parts are worked out on a miss only (never on a hit): for the entry and the explanation.
            IReadOnlyList<KeyPart>? parts = null;
            var request = new GetOrRunRequest(hash)
            {
                Refresh = Refresh,
                FailSafe = failSafe,
                MaxStale = MaxStale ?? ctx.Options.MaxStale ?? CacheOptions.DefaultMaxStale,
                ReadAhead = _readAhead,
                OnMiss = () =>
                {
                    if (_verbose) WriteVerbose($"Cache miss {hash} in context '{ctx.Name}' ({ctx.EngineName}); key from {description}.");
                    parts = MissParts(hash, hasItem, item, explain: _verbose);
                },
            };
            try
            {
                var miss = new InvokeCachedMiss(this, ctx, mode, item, failSafe, () => parts ??= MissParts(hash, hasItem, item, explain: false));
                var result = ctx.GetOrRun(request, miss.Run);
                if (result.Status == GetOrRunStatus.Hit && ReplayStreams && !result.Value.StreamsRecorded)
                {
                    // Its log would read differently from the run's: run again and store the streams this time.
                    if (_verbose) WriteVerbose($"Cache entry {hash} was stored without -ReplayStreams: running the block to record its streams.");
                    request.Refresh = true;
                    result = ctx.GetOrRun(request, miss.Run);
                }
                switch (result.Status)
                {
                    case GetOrRunStatus.Hit:
                        if (_verbose) WriteVerbose($"Cache hit {hash} in context '{ctx.Name}' ({ctx.EngineName}): replaying {result.Value.Count} object(s); key from {description}.");
                        Replay(result.Value);
                        break;
                    case GetOrRunStatus.StaleServed:
                        ServeStale(ctx, result.Value, result.StaleEntry!, result.Failure!, miss.Watch!);
                        break;
                    case GetOrRunStatus.Failed:
                        // No stale entry answers: the held-back output goes out, and a terminating error leaves as raised.
                        miss.Sink!.Release(this);
                        miss.Terminating?.Throw();
                        miss.ExplainNotStored();
                        break;
                    case GetOrRunStatus.NotStored when result.StoreError != null:
                        // The block's result already reached the caller; a cache that cannot store it only warns.
                        WriteWarning($"The result was not cached: {result.StoreError.Message}");
                        break;
                    case GetOrRunStatus.NotStored:
                        miss.ExplainNotStored();
                        break;
                    case GetOrRunStatus.Stored:
                        RememberStored(ctx, hash, miss.KeyPartsText!, miss.ExpiresAt);
                        if (_verbose) WriteVerbose($"Stored {miss.Sink!.Outputs.Count} object(s) as {hash} in context '{ctx.Name}' ({ctx.EngineName}).");
                        break;
                }
            }
            catch (ObjectDisposedException ex) when (ctx.IsDisposed)
            {
                ThrowTerminatingError(ErrorRecords.FromAny(ex, ctx.Name, "Using the context")); // disposed by another thread mid-call
            }
            finally
            {
                // A store that failed mid-call (and fell back to memory) says so once.
                foreach (var warning in ctx.DrainWarnings()) WriteWarning(warning);
            }
        }

        internal BlockRun NewRun(BlockRunMode mode, object? item, OutputSink sink) => CallerBinding.NewRun(this, ScriptBlock, ArgumentList, mode, item, sink);

        internal void RunBlock(BlockRun run) => CallerBinding.Run(this, run);

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
                    if (_dependsOn != null) canonical = InvocationKey.WithDependsOn(canonical, _dependsOn);
                    description = "-Key";
                }
                else
                {
                    canonical = InvocationKey.ForBlock(_block!, ArgumentList, hasItem, item, SessionState, _dependsOn, null, _verbose, out description);
                    return ctx.HashKey(canonical, _family!);
                }
                return ctx.HashKey(canonical);
            }
            catch (TwatCacheException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, Key ?? item));
                throw; // not reached: ThrowTerminatingError always throws
            }
        }

        // $LASTEXITCODE first, as the block's native command set it before its output reached the caller.
        private void Replay(CachedOutput output)
        {
            if (output.ExitCode.HasValue) ExitCodeWatch.Replay(SessionState, output.ExitCode.Value);
            // -ReplayStreams: each record goes out before the output that followed it on the miss.
            var records = ReplayStreams ? output.Records : Array.Empty<StreamRecord>();
            int next = 0;
            for (int i = 0; i < output.Count; i++)
            {
                while (next < records.Count && records[next].Position <= i) records[next++].Replay(this);
                WriteObject(output.ItemAt(i));
            }
            while (next < records.Count) records[next++].Replay(this);
        }

        // On a miss (never on a hit): the key's named parts, for the entry and, with -Verbose, the explanation.
        private IReadOnlyList<KeyPart> MissParts(string hash, bool hasItem, object? item, bool explain)
        {
            var parts = Key != null ? CallExplanation.PartsOfKey(Key, hash)
                : Explanation.PartsOfBlock(_block!, ArgumentList, hasItem, item, SessionState, _dependsOn);
            if (explain) WriteVerbose(Explanation.Explain(hash, parts));
            return parts;
        }

        // -ExpiresAt: the time it gives for this result; false (nothing stored) when it is past or fails.
        internal bool TryExpiresAt(CacheContext ctx, IReadOnlyList<object?> outputs, out DateTimeOffset? expiresAt)
        {
            expiresAt = null;
            if (_expiresAt == null) return true;
            DateTimeOffset at;
            try
            {
                at = _expiresAt.Resolve(outputs);
            }
            catch (Exception ex) when (ex is RuntimeException || ex is ArgumentException)
            {
                WriteWarning($"The result was not cached: -ExpiresAt failed: {ex.Message}");
                return false;
            }
            if (at <= ctx.Now)
            {
                if (_verbose) WriteVerbose($"Not cached: -ExpiresAt gave {at:o}, which is in the past.");
                return false;
            }
            expiresAt = at;
            return true;
        }

        // The block's miss history learns the entry (its expiry as far as known: a sliding one moves).
        private void RememberStored(CacheContext ctx, string hash, string keyParts, DateTimeOffset? expiresAt)
        {
            var now = ctx.Now;
            bool own = Ttl.HasValue || SlidingTtl.HasValue || expiresAt.HasValue;
            var sliding = own ? SlidingTtl : ctx.Options.SlidingTtl;
            var life = own ? Ttl : ctx.Options.DefaultTtl;
            DateTimeOffset? expires = sliding.HasValue ? null
                : expiresAt ?? (!life.HasValue || life.Value >= DateTimeOffset.MaxValue - now ? (DateTimeOffset?)null : now + life.Value);
            Explanation.Remember(hash, keyParts, now, expires);
        }

        // -Engine Memory shares the live objects (documented); every other engine's memory layer keeps
        // mutable items as CliXml and copies them on each hit, like a hit from the store.
        internal static CachedOutput ToStored(CacheContext ctx, IReadOnlyList<object?> outputs, int? exitCode)
        {
            if (ctx.Options.Engine == CacheEngineKind.Memory) return CachedOutput.Live(outputs, exitCode);
            return ctx.Serializer is CliXmlSerializer cliXml ? cliXml.Freeze(outputs, exitCode) : CachedOutput.Freeze(outputs, exitCode, depth: 2);
        }

        // A downstream Select-Object -First (or Ctrl+C) ended the run early: say why nothing was stored.
        internal void ExplainStopped()
        {
            if (!_verbose) return;
            const string message = "Not cached: the pipeline stopped before the block finished (a later command such as Select-Object -First took what it needed, or Ctrl+C); the block runs again on the next call.";
            try
            {
                WriteVerbose(message);
            }
            catch (PipelineStoppedException)
            {
                // The stopping pipeline refuses stream writes; the host still shows the line.
                try { Host.UI.WriteVerboseLine(message); } catch (Exception) { /* no host to tell */ }
            }
        }

        // Answers a failed refresh with the kept result; one warning says how old it is.
        private void ServeStale(CacheContext ctx, CachedOutput output, TwatCache.Engines.CacheEntry entry, string failure, ExitCodeWatch watch)
        {
            var now = ctx.Now;
            var expired = entry.Expires.HasValue && entry.Expires.Value <= now ? $", expired {Age(now - entry.Expires.Value)} ago" : string.Empty;
            WriteWarning($"The refresh failed ({failure}); returning the cached result from {Age(now - entry.Created)} ago{expired} (fail-safe, context '{ctx.Name}').");
            // The caller gets the stored run, exit code included, not the failed refresh's.
            if (!output.ExitCode.HasValue) watch.RestorePrevious();
            Replay(output);
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
    }
}
