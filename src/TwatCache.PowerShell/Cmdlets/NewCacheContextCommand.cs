using System;
using System.Management.Automation;
using TwatCache.PowerShell.Binding;
using TwatCache.PowerShell.Contexts;
using TwatCache.PowerShell.Execution;
using TwatCache.PowerShell.Serialization;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// New-CacheContext: creates a named context with its own engine, path and defaults. With -ScriptBlock
    /// the context is the ambient default inside the block and is disposed when the block ends
    /// (success, error or Ctrl+C); -Temporary also deletes its storage.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "CacheContext")]
    [OutputType(typeof(CacheContext))]
    public sealed class NewCacheContextCommand : PSCmdlet
    {
        /// <summary>Context name (letters, digits, '-', '_', '.'); it names the store and namespaces keys.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [ArgumentCompleter(typeof(ContextNameCompleter))]
        public string Name { get; set; } = null!;

        /// <summary>The engine (default: $env:TWATCACHE_ENGINE, else Auto).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(EngineCompleter))]
        [EngineTransformation]
        public CacheEngineKind? Engine { get; set; }

        /// <summary>Most entries the context keeps (eviction by -Policy beyond that).</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? MaxEntries { get; set; }

        /// <summary>Most payload bytes the context keeps (eviction by -Policy beyond that).</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long? MaxBytes { get; set; }

        /// <summary>Which entries go first when over -MaxEntries or -MaxBytes: Lru (default), Lfu, Fifo, Random.</summary>
        [Parameter]
        public EvictionPolicy? Policy { get; set; }

        /// <summary>Connection string of the Redis engine (e.g. localhost:6379).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConnectionString { get; set; }

        /// <summary>Cache root directory for this context's store.</summary>
        [Parameter]
        public string? Path { get; set; }

        /// <summary>Default TTL of entries written in this context.</summary>
        [Parameter]
        [TtlTransformation]
        public TimeSpan? Ttl { get; set; }

        /// <summary>Default sliding TTL of entries written in this context.</summary>
        [Parameter]
        [TtlTransformation]
        public TimeSpan? SlidingTtl { get; set; }

        /// <summary>Fail-safe for every Invoke-Cached in this context: a failed refresh returns the expired result (see Invoke-Cached -FailSafe).</summary>
        [Parameter]
        public SwitchParameter FailSafe { get; set; }

        /// <summary>Default fail-safe age limit of the context (since an entry was written); default 1 day.</summary>
        [Parameter]
        [TtlTransformation]
        public TimeSpan? MaxStale { get; set; }

        /// <summary>CliXml depth of stored objects (default 2, as Export-Clixml).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int Depth { get; set; } = 2;

        /// <summary>Delete the context's storage when it is disposed.</summary>
        [Parameter]
        public SwitchParameter Temporary { get; set; }

        /// <summary>A memory layer over Redis without the invalidation channel: other hosts' changes reach it only when its copies expire.</summary>
        [Parameter]
        public SwitchParameter NoBackplane { get; set; }

        /// <summary>Run this block with the context as the ambient default, then dispose the context.</summary>
        [Parameter(Position = 1)]
        public ScriptBlock? ScriptBlock { get; set; }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            CacheContext? ctx = null;
            try
            {
                // Checked before anything is created, so a refused call leaves no file behind.
                ContextName.Validate(Name);
                ContextRegistry.EnsureNameFree(Name);
                ctx = CacheContext.Create(new CacheOptions
                {
                    Name = Name,
                    Engine = Engine ?? ContextRegistry.DefaultEngine(),
                    Root = Path != null ? GetUnresolvedProviderPathFromPSPath(Path) : CurrentRoot.Of(SessionState),
                    DefaultTtl = Ttl,
                    SlidingTtl = SlidingTtl,
                    FailSafe = FailSafe,
                    MaxStale = MaxStale,
                    MaxEntries = MaxEntries,
                    MaxBytes = MaxBytes,
                    Policy = Policy ?? EvictionPolicy.Lru,
                    ConnectionString = ConnectionString,
                    Temporary = Temporary,
                    Backplane = !NoBackplane,
                    Serializer = new CliXmlSerializer(Depth),
                });
                ContextRegistry.Register(ctx);
            }
            catch (Exception ex) when (ErrorRecords.IsReportable(ex))
            {
                ctx?.Dispose();
                ThrowTerminatingError(ErrorRecords.FromAny(ex, Name, $"Creating context '{Name}'"));
                return;
            }
            // Say start-up problems once: here, not again on the first Invoke-Cached in this context.
            if (ContextRegistry.ShouldWarn(ctx)) foreach (var warning in ctx.Warnings) WriteWarning(warning);
            if (ScriptBlock == null)
            {
                WriteObject(ctx);
                return;
            }
            ContextRegistry.PushAmbient(ctx);
            try
            {
                var run = new BlockRun(ScriptBlock, null, BlockRunMode.None, new OutputSink(keep: false, hold: false)) { OuterItem = SessionState.PSVariable.GetValue("_") };
                BlockRunner.Run(this, run);
            }
            catch (RuntimeException ex) when (!(ex is PipelineStoppedException))
            {
                ThrowTerminatingError(ex.ErrorRecord);
            }
            finally
            {
                ContextRegistry.PopAmbient(ctx);
                ContextRegistry.Unregister(ctx);
                ctx.Dispose();
            }
        }
    }
}
