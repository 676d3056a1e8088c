using System.Management.Automation;

namespace TwatCache.PowerShell.Loading
{
    /// <summary>
    /// Registers TwatCache.Core's public types as type accelerators on import (PowerShell 7, where Core lives in
    /// its own load context) and removes them when the module is removed.
    /// </summary>
    public sealed class TypeAcceleratorRegistration : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <inheritdoc />
        public void OnImport()
        {
            // System.Private.CoreLib exists only on .NET (Core); Windows PowerShell finds Core's types itself.
            if (typeof(object).Assembly.GetName().Name == "System.Private.CoreLib") CoreTypeAccelerators.Register();
        }

        /// <inheritdoc />
        public void OnRemove(PSModuleInfo psModuleInfo) => CoreTypeAccelerators.Unregister();
    }
}
