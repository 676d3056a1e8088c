using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>Resolves what a user passes to <c>-Context</c> (a context object or a name) and the ambient default.</summary>
    public static class ContextResolver
    {
        /// <summary>
        /// The context for a call: the explicit one, else the ambient one of this runspace, else the
        /// default for <paramref name="engine"/> (or the environment's engine) under the root that
        /// <paramref name="session"/> sees (see <see cref="CurrentRoot"/>).
        /// </summary>
        public static CacheContext Resolve(object? context, CacheEngineKind? engine, SessionState? session = null)
        {
            if (context != null) return FromArgument(context, session);
            if (engine == null)
            {
                var ambient = ContextRegistry.CurrentAmbient();
                if (ambient != null && !ambient.IsDisposed) return ambient;
            }
            return ContextRegistry.GetDefault(engine, CurrentRoot.Of(session));
        }

        /// <summary>
        /// What a management cmdlet acts on without -Context: the ambient context of this runspace, else every
        /// default context of the current root (one per engine used, e.g. by <c>Invoke-Cached -Engine Memory</c>),
        /// the environment's default always among them.
        /// </summary>
        public static IReadOnlyList<CacheContext> Current(SessionState? session)
        {
            var ambient = ContextRegistry.CurrentAmbient();
            if (ambient != null && !ambient.IsDisposed) return new[] { ambient };
            var root = CurrentRoot.Of(session);
            var first = ContextRegistry.GetDefault(null, root);
            return new[] { first }.Concat(ContextRegistry.DefaultsOf(root).Where(c => !ReferenceEquals(c, first))).ToList();
        }

        /// <summary>
        /// A context from a -Context argument: a context, a name (an open context or a store under the root),
        /// or a row of Get-CacheStats / Get-CacheEntry. An unknown name or a disposed context is a configuration error.
        /// </summary>
        public static CacheContext FromArgument(object context, SessionState? session = null)
        {
            var bare = context is PSObject pso ? pso.BaseObject : context;
            if (bare is CacheContext ctx)
            {
                if (ctx.IsDisposed) throw new CacheConfigurationException($"The context '{ctx.Name}' has been disposed.");
                return ctx;
            }
            // Rows of Get-CacheStats and Get-CacheEntry name their context and its engine.
            var (name, engine) = bare switch
            {
                CacheStats stats => (stats.Context, stats.Engine),
                CacheEntryInfo entry => (entry.Context, entry.Engine),
                _ => (bare?.ToString() ?? string.Empty, (string?)null),
            };
            var root = CurrentRoot.Of(session);
            // A row of one of several defaults (Invoke-Cached -Engine Memory...) goes back to that one.
            if (engine != null && string.Equals(name, ContextRegistry.DefaultName, System.StringComparison.OrdinalIgnoreCase))
            {
                var same = ContextRegistry.DefaultsOf(root).FirstOrDefault(c => c.EngineName == engine);
                if (same != null) return same;
            }
            return ContextRegistry.Find(name, root)
                ?? throw new ContextNotFoundException(name);
        }
    }
}
