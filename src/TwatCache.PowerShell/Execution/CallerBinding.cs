using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// What a run takes from the Invoke-Cached call that starts it, so the block sees what it would see
    /// uncached: the caller's <c>$_</c> and <c>$PSCmdlet</c>, -ErrorAction/-WarningAction/-InformationAction
    /// passed on as an advanced function passes them to its body, and the caller's -ErrorVariable,
    /// -WarningVariable and -InformationVariable lists, which the block's records must reach although
    /// they never pass through the cmdlet's own runtime.
    /// </summary>
    public static class CallerBinding
    {
        private static readonly string[] PassedOnParameters = { "ErrorAction", "WarningAction", "InformationAction" };

        /// <summary>A run of <paramref name="block"/> for the call <paramref name="cmdlet"/> is processing.</summary>
        public static BlockRun NewRun(PSCmdlet cmdlet, ScriptBlock block, object?[]? arguments, BlockRunMode mode, object? item, OutputSink sink)
        {
            var state = cmdlet.SessionState;
            var run = new BlockRun(block, arguments, mode, sink) { CallerCmdlet = state.PSVariable.GetValue("PSCmdlet") };
            switch (mode)
            {
                case BlockRunMode.Item: run.Item = item; break;
                case BlockRunMode.Whole: run.Items = (object?[])item!; break;
                default: run.OuterItem = state.PSVariable.GetValue("_"); break;
            }
            var bound = cmdlet.MyInvocation.BoundParameters;
            foreach (var name in PassedOnParameters)
            {
                if (bound.TryGetValue(name, out var value)) run.Common[name] = value;
            }
            run.Warnings = CallerList(cmdlet, "WarningVariable");
            run.Information = CallerList(cmdlet, "InformationVariable");
            return run;
        }

        /// <summary>
        /// Runs <paramref name="run"/> (see <see cref="BlockRunner.Run"/>), then adds the errors the block wrote
        /// to the caller's -ErrorVariable. A held run's errors get there when released (WriteError), or
        /// never when a stale result answers the call.
        /// </summary>
        public static void Run(PSCmdlet cmdlet, BlockRun run)
        {
            var callerErrors = run.Sink.IsHolding ? null : CallerList(cmdlet, "ErrorVariable");
            try
            {
                BlockRunner.Run(cmdlet, run);
            }
            catch (Exception ex)
            {
                // The terminating error itself is added by PowerShell as it leaves the cmdlet.
                CopyErrors(run.Errors, callerErrors, (ex as IContainsErrorRecord)?.ErrorRecord);
                throw;
            }
            CopyErrors(run.Errors, callerErrors, null);
        }

        // Each record once: a terminating error passes several runtimes on its way out and each notes it.
        private static void CopyErrors(IList from, IList? to, ErrorRecord? except)
        {
            if (to == null) return;
            var seen = new HashSet<object>();
            foreach (var e in from)
            {
                var bare = e is PSObject p ? p.BaseObject : e;
                if (bare == null || ReferenceEquals(bare, except) || !seen.Add(bare)) continue;
                to.Add(e);
            }
        }

        private static IList? CallerList(PSCmdlet cmdlet, string parameter)
        {
            if (!cmdlet.MyInvocation.BoundParameters.TryGetValue(parameter, out var nameObject) || !(nameObject is string name)) return null;
            name = name.TrimStart('+');
            if (name.Length == 0) return null;
            var value = cmdlet.SessionState.PSVariable.GetValue(name);
            return (value is PSObject p ? p.BaseObject : value) as IList;
        }
    }
}
