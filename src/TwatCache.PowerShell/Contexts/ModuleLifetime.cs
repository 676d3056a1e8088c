using System;
using System.Management.Automation;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>Disposes open contexts when the module is removed or the process exits, so no store stays locked.</summary>
    public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        private static bool _hooked;

        /// <inheritdoc />
        public void OnImport()
        {
            if (_hooked) return;
            _hooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, __) => ContextRegistry.DisposeAll();
        }

        /// <inheritdoc />
        public void OnRemove(PSModuleInfo psModuleInfo) => ContextRegistry.DisposeAll();
    }
}
