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
        /// <summary>Context name (letters, digits, '-', '_', '.').</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Name { get; set; } = null!;

        /// <summary>The engine (default: $env:TWATCACHE_ENGINE, else Auto).</summary>
        [Parameter]
        public CacheEngineKind? Engine { get; set; }

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

        /// <summary>CliXml depth of stored objects (default 2, as Export-Clixml).</summary>
        [Parameter]
        [ValidateRange(1, 100)]
        public int Depth { get; set; } = 2;

        /// <summary>Delete the context's storage when it is disposed.</summary>
        [Parameter]
        public SwitchParameter Temporary { get; set; }

        /// <summary>Run this block with the context as the ambient default, then dispose the context.</summary>
        [Parameter(Position = 1)]
        public ScriptBlock? ScriptBlock { get; set; }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            CacheContext ctx;
            try
            {
                ctx = CacheContext.Create(new CacheOptions
                {
                    Name = Name,
                    Engine = Engine ?? ContextRegistry.DefaultEngine(),
                    Root = Path != null ? GetUnresolvedProviderPathFromPSPath(Path) : null,
                    DefaultTtl = Ttl,
                    SlidingTtl = SlidingTtl,
                    Temporary = Temporary,
                    Serializer = new CliXmlSerializer(Depth),
                });
                ContextRegistry.Register(ctx);
            }
            catch (TwatCacheException ex)
            {
                ThrowTerminatingError(ErrorRecords.From(ex, Name));
                return;
            }
            foreach (var warning in ctx.Warnings) WriteWarning(warning);
            if (ScriptBlock == null)
            {
                WriteObject(ctx);
                return;
            }
            ContextRegistry.PushAmbient(ctx);
            try
            {
                BlockRunner.Run(ScriptBlock, new OutputSink(this, keep: false), false, null, null);
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
