using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// Runs a user's block as <c>&amp; { }</c> would, inside Invoke-Cached. The run is a steppable pipeline
    /// begun with the cmdlet as its command runtime (what proxy commands do with
    /// <c>$steppablePipeline.Begin($PSCmdlet)</c>): its output and error streams are the cmdlet's own, and
    /// the verbose, warning, debug and information streams flow as PowerShell writes them, so preferences
    /// set inside the block and the caller's redirections (<c>*&gt;&amp;1</c>, <c>3&gt;$null</c>) apply unchanged.
    /// Nothing is re-written: error records keep their ids and invocation info.
    /// <para>
    /// The pipeline is <c>runner | capture</c>. The runner, a plain block, holds the lists that an advanced
    /// wrapper's <c>-ErrorVariable</c> (and the caller's <c>-WarningVariable</c>/<c>-InformationVariable</c>)
    /// fill, so those variables live in a scope of TwatCache's and never in the caller's; the wrapper
    /// passes -ErrorAction, -WarningAction and -InformationAction on to the block as an advanced function
    /// does, then runs the block with its input (<see cref="BlockRunMode"/>). The capture stage hands each
    /// output object, $null included, to the run's <see cref="OutputSink"/> and passes it on.
    /// </para>
    /// </summary>
    public static class BlockRunner
    {
        private const string PipelineText = "param($__tcRunner, $__tcWrapper, $__tcCapture, $__tcRun) & $__tcRunner $__tcWrapper $__tcRun | & $__tcCapture $__tcRun";

        private const string RunnerText = @"
param($__tcWrapper, $__tcRun)
$__tcErrors = $__tcRun.Errors
$__tcWarnings = $__tcRun.Warnings
$__tcInformation = $__tcRun.Information
$__tcCommon = $__tcRun.Common
# Fail-safe: errors join the output so that the sink can hold them back with it.
if ($__tcRun.Sink.IsHolding) {
    if ($__tcRun.Mode -eq 'Item') { , $__tcRun.Item | & $__tcWrapper $__tcRun @__tcCommon 2>&1 }
    else { & $__tcWrapper $__tcRun @__tcCommon 2>&1 }
}
elseif ($__tcRun.Mode -eq 'Item') { , $__tcRun.Item | & $__tcWrapper $__tcRun @__tcCommon }
else { & $__tcWrapper $__tcRun @__tcCommon }";

        private const string WrapperText = @"
[CmdletBinding()]
param([Parameter(Position = 0)] $__tcRun, [Parameter(ValueFromPipeline = $true)] $__tcIn)
begin {
    $__tcBlock = $__tcRun.Block; $__tcArgs = $__tcRun.Arguments
    # The block sees the caller's $PSCmdlet (an enclosing advanced function's, or none), not this wrapper's.
    $PSCmdlet = $__tcRun.CallerCmdlet
}
process { if ($__tcRun.Mode -eq 'Item') { & $__tcBlock @__tcArgs } }
end {
    if ($__tcRun.Mode -eq 'Whole') { $__tcRun.Items | & $__tcBlock @__tcArgs }
    elseif ($__tcRun.Mode -eq 'None') { $_ = $__tcRun.OuterItem; & $__tcBlock @__tcArgs }
}";

        // `, $_` writes an array the block wrote as one object, as it came.
        private const string CaptureText = "param($__tcRun) process { if ($__tcRun.Sink.Take($_)) { , $_ } }";

        // Script blocks carry runspace affinity, so each runspace gets its own parsed scripts.
        private static readonly ConditionalWeakTable<Runspace, Scripts> ByRunspace = new ConditionalWeakTable<Runspace, Scripts>();
        [System.ThreadStatic] private static Scripts? _fallback;

        /// <summary>
        /// Runs <paramref name="run"/> with <paramref name="cmdlet"/> as the command runtime. Terminating
        /// errors propagate as PowerShell raised them (the same exception object).
        /// </summary>
        public static void Run(PSCmdlet cmdlet, BlockRun run)
        {
            var scripts = ScriptsFor(Runspace.DefaultRunspace);
            run.Common["ErrorVariable"] = "+__tcErrors";
            if (run.Warnings != null) run.Common["WarningVariable"] = "+__tcWarnings";
            if (run.Information != null) run.Common["InformationVariable"] = "+__tcInformation";
            run.Sink.WatchErrors(run.Errors);
            var text = scripts.Pipeline;
            // Made here, while Invoke-Cached is the running command: the pipeline takes over its stream redirections.
            var pipeline = text.GetSteppablePipeline(CommandOrigin.Internal, new object[] { scripts.Runner, scripts.Wrapper, scripts.Capture, run });
            try
            {
                pipeline.Begin(cmdlet);
                pipeline.End();
            }
            finally
            {
                pipeline.Dispose();
            }
        }

        private static Scripts ScriptsFor(Runspace? runspace)
        {
            if (runspace == null) return _fallback ??= new Scripts();
            return ByRunspace.GetValue(runspace, _ => new Scripts());
        }

        private sealed class Scripts
        {
            public readonly ScriptBlock Pipeline = ScriptBlock.Create(PipelineText);
            public readonly ScriptBlock Runner = ScriptBlock.Create(RunnerText);
            public readonly ScriptBlock Wrapper = ScriptBlock.Create(WrapperText);
            public readonly ScriptBlock Capture = ScriptBlock.Create(CaptureText);
        }
    }
}
