using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace TwatCache.Isolation
{
    /// <summary>
    /// The load context of TwatCache.Core and its dependencies (LiteDB, Microsoft.Extensions.*,
    /// System.IO.Hashing, ...), read from the module's dependencies folder. Assemblies the runtime or
    /// PowerShell already provide in an equal or newer version are shared with the default context, so
    /// framework types (Span, Task, JSON) stay one type on both sides.
    /// </summary>
    public sealed class DependencyLoadContext : AssemblyLoadContext
    {
        private readonly string _directory;
        private readonly Dictionary<string, string> _platformAssemblies;

        /// <summary>Creates the context over the given dependencies folder.</summary>
        public DependencyLoadContext(string directory)
            : base("TwatCache", isCollectible: false)
        {
            _directory = directory;
            _platformAssemblies = ReadPlatformAssemblies();
        }

        /// <summary>The folder assemblies are loaded from.</summary>
        public string Directory => _directory;

        /// <inheritdoc />
        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name == null) return null;
            string path = Path.Combine(_directory, assemblyName.Name + ".dll");
            if (!File.Exists(path)) return null; // not ours: the default context resolves it
            if (PlatformProvides(assemblyName)) return null;
            return LoadFromAssemblyPath(path);
        }

        private bool PlatformProvides(AssemblyName wanted)
        {
            if (!_platformAssemblies.TryGetValue(wanted.Name!, out var platformPath)) return false;
            try
            {
                var available = AssemblyName.GetAssemblyName(platformPath).Version;
                return wanted.Version == null || (available != null && available >= wanted.Version);
            }
            catch (Exception ex) when (ex is IOException || ex is BadImageFormatException || ex is UnauthorizedAccessException)
            {
                return false;
            }
        }

        // The trusted platform assemblies: the .NET runtime's and those PowerShell itself ships.
        private static Dictionary<string, string> ReadPlatformAssemblies()
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var list = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string;
            if (string.IsNullOrEmpty(list)) return map;
            foreach (var path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                map[Path.GetFileNameWithoutExtension(path)] = path;
            }
            return map;
        }
    }
}
