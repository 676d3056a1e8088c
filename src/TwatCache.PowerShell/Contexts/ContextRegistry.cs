using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using TwatCache.PowerShell.Serialization;
using TwatCache.Storage;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>
    /// The process-wide set of open contexts: the default ones (one per engine and cache root, created on
    /// first use from the environment; those on overlapping stores share them), the named ones from New-CacheContext, and the ambient stack of
    /// each runspace (New-CacheContext -ScriptBlock). All are disposed on Remove-Module and at exit.
    /// </summary>
    public static class ContextRegistry
    {
        /// <summary>Name of the default context.</summary>
        public const string DefaultName = "default";

        private static readonly object Gate = new object();
        private static readonly Dictionary<string, CacheContext> Defaults = new Dictionary<string, CacheContext>(StringComparer.Ordinal);
        private static readonly List<CacheContext> Named = new List<CacheContext>();
        private static readonly Dictionary<string, SharedStores> Shares = new Dictionary<string, SharedStores>(StringComparer.Ordinal);
        private static readonly HashSet<CacheContext> Warned = new HashSet<CacheContext>();
        private static readonly ConditionalWeakTable<Runspace, Stack<CacheContext>> Ambient = new ConditionalWeakTable<Runspace, Stack<CacheContext>>();

        /// <summary>The engine that <c>$env:TWATCACHE_ENGINE</c> selects, or Auto.</summary>
        public static CacheEngineKind DefaultEngine()
        {
            var text = Environment.GetEnvironmentVariable("TWATCACHE_ENGINE");
            if (string.IsNullOrWhiteSpace(text)) return CacheEngineKind.Auto;
            if (Binding.EngineNames.TryParse(text, out var kind)) return kind;
            throw new CacheConfigurationException(Binding.EngineNames.NotAnEngine(text, "TWATCACHE_ENGINE"));
        }

        /// <summary>The default context for an engine under the current root (<c>$env:TWATCACHE_ROOT</c> is read each time).</summary>
        public static CacheContext GetDefault(CacheEngineKind? engine = null) => GetDefault(engine, CacheRoot.Resolve());

        /// <summary>
        /// The default context for an engine under <paramref name="root"/>. There is one default cache per root:
        /// the defaults whose stores overlap (Auto, LiteDb and File all use <c>default.tcdb</c> or
        /// <c>default.files</c>) share one engine per store and one memory layer (<see cref="SharedStores"/>),
        /// so a write or clear through one is what the others read next.
        /// </summary>
        public static CacheContext GetDefault(CacheEngineKind? engine, string root)
        {
            var kind = engine ?? DefaultEngine();
            var id = kind + "|" + root;
            lock (Gate)
            {
                if (Defaults.TryGetValue(id, out var existing) && !existing.IsDisposed) return existing;
                DisposeDefaultsOutside(root);
                var ctx = CacheContext.Create(new CacheOptions
                {
                    Name = DefaultName,
                    Engine = kind,
                    Root = root,
                    Serializer = new CliXmlSerializer(),
                    SharedStores = SharesLocalStores(kind) ? SharedOf(root) : null,
                });
                Defaults[id] = ctx;
                return ctx;
            }
        }

        /// <summary>
        /// The open default contexts of <paramref name="root"/> (one per engine used so far), the ones on local
        /// stores first (Auto, LiteDb, File), then Redis and Memory. Stores opened on demand by name are not among them.
        /// </summary>
        public static IReadOnlyList<CacheContext> DefaultsOf(string root)
        {
            lock (Gate)
            {
                return Defaults.Where(kv => !kv.Key.StartsWith(StoreKeyPrefix, StringComparison.Ordinal) && kv.Key.EndsWith("|" + root, StringComparison.Ordinal) && !kv.Value.IsDisposed)
                    .Select(kv => kv.Value)
                    .OrderBy(c => c.Options.Engine == CacheEngineKind.Memory ? 1 : 0)
                    .ThenBy(c => c.Options.Engine)
                    .ToList();
            }
        }

        /// <summary>True for the engines whose default stores live under the root and overlap (Auto, LiteDb, File).</summary>
        public static bool SharesLocalStores(CacheEngineKind kind)
            => kind == CacheEngineKind.Auto || kind == CacheEngineKind.LiteDb || kind == CacheEngineKind.File;

        private static SharedStores SharedOf(string root)
        {
            if (!Shares.TryGetValue(root, out var share))
            {
                share = new SharedStores();
                Shares[root] = share;
            }
            return share;
        }

        // TWATCACHE_ROOT moved (a script or test switched roots): defaults of the old root are closed,
        // so their files are released and they no longer show in Get-CacheStats.
        private static void DisposeDefaultsOutside(string root)
        {
            foreach (var stale in Defaults.Where(kv => !kv.Key.EndsWith("|" + root, StringComparison.Ordinal)).ToList())
            {
                Defaults.Remove(stale.Key);
                Warned.Remove(stale.Value);
                stale.Value.Dispose();
            }
            foreach (var share in Shares.Where(kv => !string.Equals(kv.Key, root, StringComparison.Ordinal)).ToList())
            {
                Shares.Remove(share.Key);
                share.Value.Dispose();
            }
        }

        /// <summary>The innermost ambient context of the current runspace, or null.</summary>
        public static CacheContext? CurrentAmbient()
        {
            var rs = Runspace.DefaultRunspace;
            if (rs == null || !Ambient.TryGetValue(rs, out var stack)) return null;
            lock (stack) return stack.Count > 0 ? stack.Peek() : null;
        }

        /// <summary>Makes <paramref name="ctx"/> the ambient default of the current runspace until <see cref="PopAmbient"/>.</summary>
        public static void PushAmbient(CacheContext ctx)
        {
            var rs = Runspace.DefaultRunspace ?? throw new InvalidOperationException("No runspace on this thread.");
            var stack = Ambient.GetValue(rs, _ => new Stack<CacheContext>());
            lock (stack) stack.Push(ctx);
        }

        /// <summary>Removes <paramref name="ctx"/> from the ambient stack of the current runspace.</summary>
        public static void PopAmbient(CacheContext ctx)
        {
            var rs = Runspace.DefaultRunspace;
            if (rs == null || !Ambient.TryGetValue(rs, out var stack)) return;
            lock (stack)
            {
                if (stack.Count > 0 && ReferenceEquals(stack.Peek(), ctx)) stack.Pop();
            }
        }

        /// <summary>Keeps a named context open until it is disposed or the module is removed.</summary>
        public static void Register(CacheContext ctx)
        {
            lock (Gate)
            {
                Named.RemoveAll(c => c.IsDisposed);
                // A store opened on demand by name gives way to an explicit context of that name.
                foreach (var opened in Defaults.Where(kv => kv.Key.StartsWith(StoreKeyPrefix + ctx.Name + "|", StringComparison.OrdinalIgnoreCase)).ToList())
                {
                    Defaults.Remove(opened.Key);
                    Warned.Remove(opened.Value);
                    opened.Value.Dispose();
                }
                if (Named.Any(c => string.Equals(c.Name, ctx.Name, StringComparison.OrdinalIgnoreCase)))
                    throw new CacheConfigurationException($"A context named '{ctx.Name}' is already open. Dispose it first, or choose another name.");
                Named.Add(ctx);
            }
        }

        /// <summary>Throws when a named context of that name is open (checked before a new one is created).</summary>
        public static void EnsureNameFree(string name)
        {
            lock (Gate)
            {
                if (Named.Any(c => !c.IsDisposed && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
                    throw new CacheConfigurationException($"A context named '{name}' is already open. Dispose it first, or choose another name.");
            }
        }

        /// <summary>Forgets a named context (it is disposed by its owner).</summary>
        public static void Unregister(CacheContext ctx)
        {
            lock (Gate) Named.Remove(ctx);
        }

        /// <summary>A context by name under the current root; see <see cref="Find(string, string)"/>.</summary>
        public static CacheContext? Find(string name) => Find(name, CacheRoot.Resolve());

        /// <summary>
        /// A context by name: an open named context, else the default, else a store of that name found under
        /// <paramref name="root"/> (opened on demand and kept open like the defaults); null when there is none.
        /// </summary>
        public static CacheContext? Find(string name, string root)
        {
            lock (Gate)
            {
                var named = Named.FirstOrDefault(c => !c.IsDisposed && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
                if (named != null) return named;
            }
            if (string.Equals(name, DefaultName, StringComparison.OrdinalIgnoreCase)) return GetDefault(null, root);
            if (!StoreLayout.Exists(root, name)) return null;
            var id = StoreKeyPrefix + name + "|" + root;
            lock (Gate)
            {
                if (Defaults.TryGetValue(id, out var existing) && !existing.IsDisposed) return existing;
                DisposeDefaultsOutside(root);
                var ctx = OpenStore(name, root);
                Defaults[id] = ctx;
                return ctx;
            }
        }

        /// <summary>
        /// Opens the store named <paramref name="name"/> under <paramref name="root"/> with the module's
        /// serializer: as Auto when it has a LiteDB file, as File when it only has a File directory. The caller
        /// owns (and disposes) it. Used for stores nobody opened yet.
        /// </summary>
        public static CacheContext OpenStore(string name, string root) => CacheContext.Create(new CacheOptions
        {
            Name = name,
            Engine = StoreLayout.IsFilesOnly(root, name) ? CacheEngineKind.File : CacheEngineKind.Auto,
            Root = root,
            Serializer = new CliXmlSerializer(),
        });

        private const string StoreKeyPrefix = "store:";

        /// <summary>
        /// Every open context for a session whose cache root is <paramref name="root"/>: the named ones and the
        /// defaults of that root. Defaults of a root the environment no longer selects are closed first, so
        /// they are neither listed nor cleared.
        /// </summary>
        public static IReadOnlyList<CacheContext> AllUnder(string root)
        {
            lock (Gate)
            {
                DisposeDefaultsOutside(root);
                return Defaults.Values.Concat(Named).Where(c => !c.IsDisposed).ToList();
            }
        }

        /// <summary>Every open context (defaults and named).</summary>
        public static IReadOnlyList<CacheContext> All()
        {
            lock (Gate)
            {
                return Defaults.Values.Concat(Named).Where(c => !c.IsDisposed).ToList();
            }
        }

        /// <summary>True the first time it is asked for a context, so each context warns once.</summary>
        public static bool ShouldWarn(CacheContext ctx)
        {
            lock (Gate) return Warned.Add(ctx);
        }

        /// <summary>Disposes every open context (module removal, process exit).</summary>
        public static void DisposeAll()
        {
            List<CacheContext> all;
            List<SharedStores> shares;
            lock (Gate)
            {
                all = Defaults.Values.Concat(Named).ToList();
                shares = Shares.Values.ToList();
                Defaults.Clear();
                Named.Clear();
                Warned.Clear();
                Shares.Clear();
            }
            foreach (var ctx in all)
            {
                try { ctx.Dispose(); }
                catch (Exception) { /* best effort at shutdown */ }
            }
            // After the contexts: the shared stores outlive every context that uses them.
            foreach (var share in shares)
            {
                try { share.Dispose(); }
                catch (Exception) { /* best effort at shutdown */ }
            }
        }
    }
}
