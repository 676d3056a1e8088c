using System;
using System.IO;
using System.Management.Automation;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace TwatCache.Loader
{
    /// <summary>
    /// Makes TwatCache.Core and its dependencies loadable from the module's <c>dependencies</c> folder
    /// before PowerShell loads the cmdlet assembly: this assembly is the manifest's nested module, and
    /// nested modules load before the root module. PowerShell 7: a private AssemblyLoadContext
    /// (TwatCache.Isolation.dll), so another module's LiteDB or Microsoft.Extensions.* of another version
    /// cannot clash with ours.
    /// Windows PowerShell 5.1 (no load contexts): an AssemblyResolve handler for the same folder.
    /// </summary>
    public sealed class DependencyLoader : IModuleAssemblyInitializer
    {
        /// <summary>The folder, beside this assembly, that holds TwatCache.Core and everything it needs.</summary>
        public const string DependencyFolder = "dependencies";

        private static readonly object Gate = new object();
        private static bool _installed;
        private static string? _dependencyDirectory;

        /// <inheritdoc />
        public void OnImport() => Install();

        /// <summary>Installs the resolver once per process (a re-import after Remove-Module reuses it).</summary>
        public static void Install()
        {
            lock (Gate)
            {
                if (_installed) return;
                string moduleDirectory = Path.GetDirectoryName(typeof(DependencyLoader).Assembly.Location)!;
                _dependencyDirectory = Path.Combine(moduleDirectory, DependencyFolder);
                if (IsNetCore()) InstallLoadContext(moduleDirectory, _dependencyDirectory);
                else AppDomain.CurrentDomain.AssemblyResolve += ResolveOnNetFramework;
                _installed = true;
            }
        }

        // System.Private.CoreLib exists only on .NET (Core); Windows PowerShell runs on .NET Framework's mscorlib.
        private static bool IsNetCore() => typeof(object).Assembly.GetName().Name == "System.Private.CoreLib";

        private static void InstallLoadContext(string moduleDirectory, string dependencyDirectory)
        {
            // This assembly targets netstandard2.0 (for Windows PowerShell), which has no AssemblyLoadContext: the context lives in a
            // net8.0 assembly that only PowerShell 7 loads.
            var isolation = Assembly.LoadFrom(Path.Combine(moduleDirectory, "TwatCache.Isolation.dll"));
            var install = isolation.GetType("TwatCache.Isolation.DependencyIsolation", throwOnError: true)!
                .GetMethod("Install", BindingFlags.Public | BindingFlags.Static)!;
            try
            {
                install.Invoke(null, new object[] { dependencyDirectory });
            }
            catch (TargetInvocationException ex) when (ex.InnerException != null)
            {
                ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            }
        }

        private static Assembly? ResolveOnNetFramework(object? sender, ResolveEventArgs args)
        {
            var name = new AssemblyName(args.Name).Name;
            if (name == null || _dependencyDirectory == null) return null;
            string path = Path.Combine(_dependencyDirectory, name + ".dll");
            return File.Exists(path) ? Assembly.LoadFrom(path) : null;
        }
    }
}
