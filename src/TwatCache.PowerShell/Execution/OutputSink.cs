using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// The last stage of a run's pipeline: keeps each output object (null items included) for storing and
    /// lets it pass on to the caller as it comes. A holding sink (fail-safe) passes nothing on: the block's
    /// error stream is merged into its output for that run, and outputs and errors wait for
    /// <see cref="Release"/>, so a failed refresh can be answered with the stale result alone.
    /// Errors are counted from the run's error list (see <see cref="BlockRun.Errors"/>).
    /// </summary>
    public sealed class OutputSink
    {
        private readonly bool _keep;
        private readonly List<object?>? _held;
        private readonly HashSet<ErrorRecord> _seenErrors = new HashSet<ErrorRecord>(ReferenceComparer.Instance);
        private IList? _errors;
        private int _errorsBefore;

        /// <summary>Creates a sink; <paramref name="keep"/> keeps the outputs, <paramref name="hold"/> holds everything back.</summary>
        public OutputSink(bool keep, bool hold)
        {
            _keep = keep;
            if (hold) _held = new List<object?>();
        }

        /// <summary>True when outputs and errors wait for <see cref="Release"/>.</summary>
        public bool IsHolding => _held != null;

        /// <summary>The output objects in order.</summary>
        public List<object?> Outputs { get; } = new List<object?>();

        /// <summary>
        /// Number of error records the block wrote during this run. A native command's stderr lines are not
        /// errors (they may reach the error list when the caller merges streams): its exit code says whether it failed.
        /// </summary>
        public int ErrorCount
        {
            get
            {
                int count = 0;
                for (int i = _errorsBefore; _errors != null && i < _errors.Count; i++)
                    if (!IsNativeStderr(Bare(_errors[i]) as ErrorRecord)) count++;
                return count;
            }
        }

        /// <summary>The first error record the block wrote during this run, or null.</summary>
        public ErrorRecord? FirstError
        {
            get
            {
                for (int i = _errorsBefore; _errors != null && i < _errors.Count; i++)
                {
                    var record = Bare(_errors[i]) as ErrorRecord;
                    if (record != null && !IsNativeStderr(record)) return record;
                }
                return null;
            }
        }

        private static bool IsNativeStderr(ErrorRecord? record)
            => record?.FullyQualifiedErrorId != null && record.FullyQualifiedErrorId.StartsWith("NativeCommandError", System.StringComparison.Ordinal);

        /// <summary>Counts the errors added to <paramref name="errors"/> from now on.</summary>
        public void WatchErrors(IList errors)
        {
            _errors = errors;
            _errorsBefore = errors.Count;
        }

        /// <summary>
        /// Takes one object from the run's output; true when it should go on to the caller now. Records of
        /// the other streams arrive here when the caller merged them (<c>2&gt;&amp;1</c>, <c>*&gt;&amp;1</c>) or the
        /// sink holds (errors merged): they go on, or are held, but are never kept as output.
        /// </summary>
        public bool Take(object? item)
        {
            bool isError = IsErrorStreamRecord(item, out var record);
            bool isStream = isError || IsOtherStreamRecord(item);
            if (_held == null)
            {
                if (_keep && !isStream) Outputs.Add(item);
                return true;
            }
            if (isError) _held.Add(new HeldError(record!));
            else
            {
                if (_keep && !isStream) Outputs.Add(item);
                _held.Add(item);
            }
            return false;
        }

        private static bool IsOtherStreamRecord(object? item)
        {
            var bare = Bare(item);
            return bare is WarningRecord || bare is VerboseRecord || bare is DebugRecord || bare is InformationRecord;
        }

        /// <summary>Writes the held outputs and errors in the order the block wrote them (nothing for a live sink).</summary>
        public void Release(Cmdlet cmdlet)
        {
            if (_held == null) return;
            foreach (var item in _held)
            {
                if (item is HeldError e) cmdlet.WriteError(e.Record);
                else cmdlet.WriteObject(item);
            }
            _held.Clear();
        }

        // In a merged stream, an error record is an error the first time it appears in the error list (a
        // record output as data later stays data), or a native command's stderr line.
        private bool IsErrorStreamRecord(object? item, out ErrorRecord? record)
        {
            record = Bare(item) as ErrorRecord;
            if (record == null) return false;
            if (IsNativeStderr(record)) return true;
            return _errors != null && Contains(_errors, _errorsBefore, record) && _seenErrors.Add(record);
        }

        private static object? Bare(object? o) => o is PSObject p ? p.BaseObject : o;

        private static bool Contains(IList list, int from, ErrorRecord record)
        {
            for (int i = list.Count - 1; i >= from; i--)
            {
                if (ReferenceEquals(Bare(list[i]), record)) return true;
            }
            return false;
        }

        private sealed class HeldError
        {
            public HeldError(ErrorRecord record) => Record = record;
            public ErrorRecord Record { get; }
        }

        private sealed class ReferenceComparer : IEqualityComparer<ErrorRecord>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();
            public bool Equals(ErrorRecord? x, ErrorRecord? y) => ReferenceEquals(x, y);
            public int GetHashCode(ErrorRecord obj) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj);
        }
    }
}
