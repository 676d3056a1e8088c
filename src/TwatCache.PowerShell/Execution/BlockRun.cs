using System;
using System.Collections;
using System.Management.Automation;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>How a block receives its input in one run (see <see cref="PipelineShape"/>).</summary>
    public enum BlockRunMode
    {
        /// <summary>One pipeline item, piped to the block run per item: <c>$_</c> is the item.</summary>
        Item,
        /// <summary>All the call's pipeline items piped to one run of the block (begin/process/end once).</summary>
        Whole,
        /// <summary>No pipeline input: the block runs once and sees the caller's <c>$_</c>, as <c>&amp; { }</c> does.</summary>
        None,
    }

    /// <summary>
    /// Everything one run of a block needs, read by the runner scripts of <see cref="BlockRunner"/>: the block,
    /// its arguments and input, the common parameters passed on from Invoke-Cached, and the lists that
    /// collect the errors (and the caller's -WarningVariable/-InformationVariable records) the block writes.
    /// </summary>
    public sealed class BlockRun
    {
        /// <summary>Creates a run of <paramref name="block"/>.</summary>
        public BlockRun(ScriptBlock block, object?[]? arguments, BlockRunMode mode, OutputSink sink)
        {
            Block = block;
            Arguments = arguments ?? Array.Empty<object>();
            Mode = mode;
            Sink = sink;
        }

        /// <summary>The user's block.</summary>
        public ScriptBlock Block { get; }

        /// <summary>-ArgumentList, splatted positionally.</summary>
        public object?[] Arguments { get; }

        /// <summary>How input reaches the block.</summary>
        public BlockRunMode Mode { get; }

        /// <summary>The pipeline item (<see cref="BlockRunMode.Item"/>).</summary>
        public object? Item { get; set; }

        /// <summary>All pipeline items in order (<see cref="BlockRunMode.Whole"/>).</summary>
        public object?[] Items { get; set; } = Array.Empty<object>();

        /// <summary>The caller's <c>$_</c>, visible to a block run without input (<see cref="BlockRunMode.None"/>).</summary>
        public object? OuterItem { get; set; }

        /// <summary>The caller's <c>$PSCmdlet</c> (an enclosing advanced function's), or null: what the block sees.</summary>
        public object? CallerCmdlet { get; set; }

        /// <summary>Common parameters splatted onto the advanced wrapper (ErrorAction, WarningVariable...).</summary>
        public Hashtable Common { get; } = new Hashtable(StringComparer.OrdinalIgnoreCase);

        /// <summary>Receives the error records the block writes (the caller's -ErrorVariable list when given).</summary>
        public IList Errors { get; set; } = new ArrayList();

        /// <summary>The caller's -WarningVariable list, or null.</summary>
        public IList? Warnings { get; set; }

        /// <summary>The caller's -InformationVariable list, or null.</summary>
        public IList? Information { get; set; }

        /// <summary>Where the block's output goes.</summary>
        public OutputSink Sink { get; }
    }
}
