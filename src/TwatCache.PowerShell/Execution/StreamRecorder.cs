using System.Collections;
using System.Collections.Generic;
using TwatCache.PowerShell.Serialization;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// -ReplayStreams: the list given to the run as its -WarningVariable and -InformationVariable (PowerShell
    /// appends to an existing list), so it sees each warning and information record as the block writes
    /// it, in order, and notes how many outputs the sink had taken by then. Records still reach the
    /// caller's own -WarningVariable/-InformationVariable lists.
    /// </summary>
    public sealed class StreamRecorder : ArrayList
    {
        private readonly OutputSink _sink;
        private readonly IList? _callerWarnings;
        private readonly IList? _callerInformation;
        private readonly List<StreamRecord> _records = new List<StreamRecord>();

        /// <summary>Records beside <paramref name="sink"/>, passing records on to the caller's lists.</summary>
        public StreamRecorder(OutputSink sink, IList? callerWarnings, IList? callerInformation)
        {
            _sink = sink;
            _callerWarnings = callerWarnings;
            _callerInformation = callerInformation;
        }

        /// <summary>Makes a recorder the run's warning and information list (the caller's lists still get each record).</summary>
        public static StreamRecorder Attach(BlockRun run)
        {
            var recorder = new StreamRecorder(run.Sink, run.Warnings, run.Information);
            run.Warnings = recorder;
            run.Information = recorder;
            return recorder;
        }

        /// <summary>The records in the order they were written.</summary>
        public IReadOnlyList<StreamRecord> Records => _records;

        /// <inheritdoc />
        public override int Add(object? value)
        {
            var record = StreamRecord.From(value, _sink.Outputs.Count);
            if (record != null)
            {
                _records.Add(record);
                (record.IsWarning ? _callerWarnings : _callerInformation)?.Add(value);
            }
            return base.Add(value);
        }
    }
}
