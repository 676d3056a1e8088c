using System;
using System.Collections.Generic;
using System.Management.Automation;
using TwatCache.PowerShell.Contexts;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// Base of the management cmdlets (Get-CacheEntry, Get-CacheStats, Clear-Cache): finds the contexts they act
    /// on and reports each failure once, as an error of its own item (see <see cref="ErrorRecords.FromAny"/>), so
    /// one context that cannot be found or read never stops the others.
    /// </summary>
    public abstract class ContextCmdlet : PSCmdlet
    {
        // Only the cmdlets of this assembly derive from it.
        private protected ContextCmdlet()
        {
        }

        /// <summary>
        /// What a management cmdlet acts on without -Context: the ambient context, else every default of the
        /// current root (see <see cref="ContextResolver.Current"/>). A failure is one error; then there are none.
        /// </summary>
        private protected IReadOnlyList<CacheContext> CurrentContexts(string doing)
        {
            IReadOnlyList<CacheContext>? current = null;
            TryRun(null, doing, () => current = ContextResolver.Current(SessionState));
            return current ?? Array.Empty<CacheContext>();
        }

        /// <summary>
        /// The context a -Context argument names: a context (not disposed), a name, or a row of Get-CacheStats /
        /// Get-CacheEntry (see <see cref="ContextResolver.FromArgument"/>); a null item is the current context.
        /// </summary>
        private protected CacheContext ContextOf(object? argument) => ContextResolver.Resolve(argument, null, SessionState);

        /// <summary>
        /// Runs <paramref name="work"/> for one item; a failure it may report (not a stopped pipeline) becomes one
        /// error record of <paramref name="target"/>, written after the work is left, and the result is false.
        /// </summary>
        private protected bool TryRun(object? target, string doing, Action work)
        {
            ErrorRecord? error = null;
            try
            {
                work();
            }
            catch (Exception ex) when (ErrorRecords.IsReportable(ex))
            {
                error = ErrorRecords.FromAny(ex, target, doing);
            }
            if (error == null) return true;
            WriteError(error);
            return false;
        }
    }
}
