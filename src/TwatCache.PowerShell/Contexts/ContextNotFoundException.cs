namespace TwatCache.PowerShell.Contexts
{
    /// <summary>
    /// A -Context name that matches no open context and no store under the cache root. A configuration
    /// error (id TwatCache.Configuration) that cmdlets report with the ObjectNotFound category.
    /// </summary>
    public sealed class ContextNotFoundException : CacheConfigurationException
    {
        /// <summary>Creates the error for <paramref name="name"/>.</summary>
        public ContextNotFoundException(string name)
            : base($"No open context is named '{name}' and no store of that name is under the cache root. Create it with New-CacheContext -Name {name}.")
            => ContextName = name;

        /// <summary>The name that was not found.</summary>
        public string ContextName { get; }
    }
}
