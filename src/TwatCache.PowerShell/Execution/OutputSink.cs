using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// Receives what a running block writes (every stream merged) and forwards it live to the calling
    /// cmdlet: output objects are written and kept for storing, error records are re-written as errors
    /// and counted, other stream records are re-written to their stream. Called from the runner script on
    /// the pipeline thread. A holding sink (fail-safe) keeps outputs and errors back until
    /// <see cref="Release"/>, so a failed refresh can be answered with the stale result alone.
    /// </summary>
    public sealed class OutputSink
    {
        private readonly Cmdlet _cmdlet;
        private readonly bool _keep;
        private readonly List<object>? _held;
        private readonly HashSet<ErrorRecord> _seenErrors = new HashSet<ErrorRecord>(ReferenceComparer.Instance);

        /// <summary>Creates a sink that writes through <paramref name="cmdlet"/>; <paramref name="keep"/> keeps the outputs.</summary>
        public OutputSink(Cmdlet cmdlet, bool keep) : this(cmdlet, keep, hold: false) { }

        /// <summary>Creates a sink; with <paramref name="hold"/> outputs and errors wait for <see cref="Release"/> instead of going out live.</summary>
        public OutputSink(Cmdlet cmdlet, bool keep, bool hold)
        {
            _cmdlet = cmdlet;
            _keep = keep;
            if (hold) _held = new List<object>();
        }

        /// <summary>Writes the held outputs and errors in the order the block wrote them (nothing for a live sink).</summary>
        public void Release()
        {
            if (_held == null) return;
            foreach (var item in _held)
            {
                if (item is HeldError e) _cmdlet.WriteError(e.Record);
                else _cmdlet.WriteObject(item);
            }
            _held.Clear();
        }

        /// <summary>The output objects in order.</summary>
        public List<object> Outputs { get; } = new List<object>();

        /// <summary>The first non-terminating error the block wrote, or null.</summary>
        public ErrorRecord? FirstError { get; private set; }

        /// <summary>Number of non-terminating errors the block wrote.</summary>
        public int ErrorCount { get; private set; }

        /// <summary>
        /// Takes one merged item. It is an error when it is an ErrorRecord that the block's error variable
        /// holds and that has not been seen yet; an ErrorRecord the block outputs as data stays output.
        /// </summary>
        public void Receive(object? item, IList? errorVariable)
        {
            if (item == null) return;
            var bare = item is PSObject pso ? pso.BaseObject : item;
            if (bare is ErrorRecord record && errorVariable != null && Contains(errorVariable, record) && _seenErrors.Add(record))
            {
                ErrorCount++;
                FirstError ??= record;
                if (_held != null) _held.Add(new HeldError(record));
                else _cmdlet.WriteError(record);
                return;
            }
            if (TryForwardStreamRecord(bare)) return;
            if (_keep) Outputs.Add(item);
            if (_held != null) _held.Add(item);
            else _cmdlet.WriteObject(item);
        }

        // Warning, verbose, debug and information records pass through live; they are never stored or replayed.
        private bool TryForwardStreamRecord(object bare)
        {
            switch (bare)
            {
                case WarningRecord w: _cmdlet.WriteWarning(w.Message); return true;
                case VerboseRecord v: _cmdlet.WriteVerbose(v.Message); return true;
                case DebugRecord d: _cmdlet.WriteDebug(d.Message); return true;
                case InformationRecord i: _cmdlet.WriteInformation(i); return true;
                default: return false;
            }
        }

        private static bool Contains(IList list, ErrorRecord record)
        {
            for (int i = list.Count - 1; i >= 0; i--)
            {
                var e = list[i] is PSObject p ? p.BaseObject : list[i];
                if (ReferenceEquals(e, record)) return true;
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
