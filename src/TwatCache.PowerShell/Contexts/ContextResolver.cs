using System.Management.Automation;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>Resolves what a user passes to <c>-Context</c> (a context object or a name) and the ambient default.</summary>
    public static class ContextResolver
    {
        /// <summary>
        /// The context for a call: the explicit one, else the ambient one of this runspace, else the
        /// default for <paramref name="engine"/> (or the environment's engine).
        /// </summary>
        public static CacheContext Resolve(object? context, CacheEngineKind? engine)
        {
            if (context != null) return FromArgument(context);
            if (engine == null)
            {
                var ambient = ContextRegistry.CurrentAmbient();
                if (ambient != null && !ambient.IsDisposed) return ambient;
            }
            return ContextRegistry.GetDefault(engine);
        }

        /// <summary>
        /// A context from a -Context argument: a context, a name (an open context or a store under the root),
        /// or a row of Get-CacheStats / Get-CacheEntry. An unknown name or a disposed context is a configuration error.
        /// </summary>
        public static CacheContext FromArgument(object context)
        {
            var bare = context is PSObject pso ? pso.BaseObject : context;
            if (bare is CacheContext ctx)
            {
                if (ctx.IsDisposed) throw new CacheConfigurationException($"The context '{ctx.Name}' has been disposed.");
                return ctx;
            }
            // Rows of Get-CacheStats and Get-CacheEntry name their context.
            var name = bare switch
            {
                CacheStats stats => stats.Context,
                CacheEntryInfo entry => entry.Context,
                _ => bare?.ToString() ?? string.Empty,
            };
            return ContextRegistry.Find(name)
                ?? throw new ContextNotFoundException(name);
        }
    }
}
