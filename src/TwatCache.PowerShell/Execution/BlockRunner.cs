using System;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// Runs a user's script block in the caller's scope chain (as a child scope), with <c>$_</c> set to the
    /// pipeline item and <c>-ArgumentList</c> bound to its <c>param()</c>, streaming what it writes into an
    /// <see cref="OutputSink"/>. A small runner script does the work so that PowerShell's own semantics
    /// (scoping, error preference, Ctrl+C) apply unchanged. <c>*&gt;&amp;1</c> merges every stream so the sink
    /// can re-write each record through the calling cmdlet (so -WarningVariable, 3&gt;$null and friends on
    /// Invoke-Cached work); the advanced wrapper's -ErrorVariable tells real errors apart from ErrorRecords
    /// that a block outputs as data.
    /// </summary>
    public static class BlockRunner
    {
        private const string RunnerText = @"
param($__tcBlock, $__tcSink, $__tcHasItem, $__tcItem, $__tcArgs)
$__tcErrors = [System.Collections.ArrayList]::new()
$__tcWrapper = { [CmdletBinding()] param($__tcB, $__tcA, [Parameter(ValueFromPipeline)] $__tcIn) process { & $__tcB @__tcA } }
if ($__tcHasItem) {
    , $__tcItem | & $__tcWrapper $__tcBlock $__tcArgs -ErrorVariable +__tcErrors *>&1 | & { process { $__tcSink.Receive($_, $__tcErrors) } }
} else {
    & $__tcWrapper $__tcBlock $__tcArgs -ErrorVariable +__tcErrors *>&1 | & { process { $__tcSink.Receive($_, $__tcErrors) } }
}";

        // Script blocks carry runspace affinity, so each runspace gets its own parsed runner.
        private static readonly ConditionalWeakTable<Runspace, ScriptBlock> Runners = new ConditionalWeakTable<Runspace, ScriptBlock>();
        [ThreadStatic] private static ScriptBlock? _fallback;

        /// <summary>Runs <paramref name="block"/>; terminating errors propagate as thrown by PowerShell.</summary>
        public static void Run(ScriptBlock block, OutputSink sink, bool hasItem, object? item, object?[]? arguments)
        {
            var runner = RunnerFor(Runspace.DefaultRunspace);
            runner.Invoke(block, sink, hasItem, item, arguments ?? Array.Empty<object>());
        }

        private static ScriptBlock RunnerFor(Runspace? runspace)
        {
            if (runspace == null) return _fallback ??= ScriptBlock.Create(RunnerText);
            return Runners.GetValue(runspace, _ => ScriptBlock.Create(RunnerText));
        }
    }
}
