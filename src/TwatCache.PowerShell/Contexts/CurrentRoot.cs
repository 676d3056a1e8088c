using System;
using System.IO;
using System.Management.Automation;
using TwatCache.Storage;

namespace TwatCache.PowerShell.Contexts
{
    /// <summary>
    /// The cache root as PowerShell sees it. A relative <c>$env:TWATCACHE_ROOT</c> is relative to the
    /// session's current file-system location (<c>$PWD</c>, which PowerShell does not pass on to the
    /// process), and <c>~</c> is the home directory, as for <c>New-CacheContext -Path</c>.
    /// </summary>
    public static class CurrentRoot
    {
        /// <summary>The root for a call in <paramref name="session"/> (null: relative to the process's directory).</summary>
        public static string Of(SessionState? session)
        {
            var text = Environment.GetEnvironmentVariable(CacheRoot.EnvironmentVariable)?.Trim();
            if (string.IsNullOrEmpty(text) || session == null || CacheRoot.IsHomeRelative(text!) || Path.IsPathRooted(text)) return CacheRoot.Resolve();
            string here;
            try
            {
                here = session.Path.CurrentFileSystemLocation.ProviderPath;
            }
            catch (Exception ex) when (ex is InvalidOperationException || ex is NotSupportedException || ex is PSInvalidOperationException)
            {
                return CacheRoot.Resolve();
            }
            return CacheRoot.Resolve(Path.Combine(here, text));
        }

        /// <summary>The root for code that has no session at hand (argument completers): the current runspace's, if any.</summary>
        public static string OfCurrentRunspace()
        {
            SessionState? session = null;
            try
            {
                if (System.Management.Automation.Runspaces.Runspace.DefaultRunspace != null)
                {
                    foreach (var o in ScriptBlock.Create("$ExecutionContext.SessionState").Invoke())
                        session ??= o?.BaseObject as SessionState;
                }
            }
            catch (RuntimeException)
            {
                session = null;
            }
            return Of(session);
        }
    }
}
