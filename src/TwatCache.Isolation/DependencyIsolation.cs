using System;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace TwatCache.Isolation
{
    /// <summary>
    /// Routes the default context's request for TwatCache.Core (the only dependency the cmdlet
    /// assembly names) into <see cref="DependencyLoadContext"/>; everything Core needs then loads
    /// there too. Called once per process by the cmdlet assembly's module initializer, by reflection.
    /// </summary>
    public static class DependencyIsolation
    {
        private const string BridgeAssembly = "TwatCache.Core";
        private static readonly object Gate = new object();
        private static DependencyLoadContext? _context;

        /// <summary>The load context, once <see cref="Install"/> has run.</summary>
        public static AssemblyLoadContext? Context => _context;

        /// <summary>Creates the load context over <paramref name="dependencyDirectory"/> and hooks the default context. Idempotent.</summary>
        public static void Install(string dependencyDirectory)
        {
            lock (Gate)
            {
                if (_context != null) return;
                if (!System.IO.Directory.Exists(dependencyDirectory))
                    throw new DirectoryNotFoundException($"TwatCache's dependencies folder is missing: {dependencyDirectory}");
                _context = new DependencyLoadContext(dependencyDirectory);
                // Assemblies cannot be unloaded from a non-collectible context, so the hook stays for
                // the process: a re-import after Remove-Module finds the same Core.
                AssemblyLoadContext.Default.Resolving += ResolveBridge;
            }
        }

        private static Assembly? ResolveBridge(AssemblyLoadContext requester, AssemblyName name)
        {
            if (!string.Equals(name.Name, BridgeAssembly, StringComparison.Ordinal)) return null;
            return _context?.LoadFromAssemblyPath(Path.Combine(_context.Directory, BridgeAssembly + ".dll"));
        }
    }
}
