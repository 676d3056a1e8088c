using System;
using System.Management.Automation;
using TwatCache;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>Reads a variable as a block would see it: <c>$env:X</c> from the environment, others through the session's scopes.</summary>
    internal static class VariableReader
    {
        public static object? Read(SessionState state, string name)
        {
            if (name.StartsWith("env:", StringComparison.OrdinalIgnoreCase))
                return Environment.GetEnvironmentVariable(name.Substring(4));
            try
            {
                return state.PSVariable.GetValue(name);
            }
            catch (Exception ex) when (!(ex is PipelineStoppedException))
            {
                throw new CacheKeyException($"Cannot read ${name} to build the cache key: {ex.Message}. Pass -Key with the values that identify the result.", ex);
            }
        }
    }
}
