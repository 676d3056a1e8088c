using System;
using System.Management.Automation;

namespace TwatCache.PowerShell.Execution
{
    /// <summary>
    /// Tells whether a block set <c>$global:LASTEXITCODE</c> (a native command ran, or the block assigned it)
    /// and to what, without changing what the block sees. While the block runs, a transformation attribute
    /// on the variable notes every assignment; when the variable did not exist before, its appearance is
    /// the sign. Comparing values alone could not tell "exited 7 again" from "ran no native command".
    /// </summary>
    public sealed class ExitCodeWatch
    {
        private const string Name = "global:LASTEXITCODE";
        private readonly SessionState _state;
        private readonly PSVariable? _variable;
        private readonly AssignmentProbe? _probe;
        private readonly object? _previous;

        private ExitCodeWatch(SessionState state)
        {
            _state = state;
            _variable = state.PSVariable.Get(Name);
            if (_variable == null) return;
            _previous = _variable.Value;
            _probe = new AssignmentProbe();
            try
            {
                // Adding an attribute re-checks the current value through it; only later calls count.
                _variable.Attributes.Add(_probe);
                _probe.Armed = true;
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is NotSupportedException || ex is ValidationMetadataException)
            {
                _probe = null;
            }
        }

        /// <summary>Starts watching <c>$global:LASTEXITCODE</c> of <paramref name="state"/>'s runspace.</summary>
        public static ExitCodeWatch Start(SessionState state) => new ExitCodeWatch(state);

        /// <summary>Stops watching; returns the exit code the block left, or null when it set none (or set a non-number).</summary>
        public int? Finish()
        {
            bool set;
            object? value;
            if (_variable == null)
            {
                var now = _state.PSVariable.Get(Name);
                set = now != null;
                value = now?.Value;
            }
            else
            {
                set = _probe?.WasSet ?? false;
                value = _variable.Value;
                Detach();
            }
            if (!set) return null;
            return LanguagePrimitives.TryConvertTo<int>(value, out var code) ? code : (int?)null;
        }

        /// <summary>Puts back the value <c>$LASTEXITCODE</c> had before the block ran (a failed refresh answered from the cache).</summary>
        public void RestorePrevious()
        {
            if (_variable != null) _state.PSVariable.Set(Name, _previous);
            else if (_state.PSVariable.Get(Name) != null) _state.PSVariable.Remove(Name);
        }

        /// <summary>Gives <c>$LASTEXITCODE</c> the stored value of a replayed run.</summary>
        public static void Replay(SessionState state, int exitCode) => state.PSVariable.Set(Name, exitCode);

        private void Detach()
        {
            if (_variable == null || _probe == null) return;
            var attributes = _variable.Attributes;
            // Attribute.Equals compares fields, so remove this very instance, not one that looks alike.
            for (int i = attributes.Count - 1; i >= 0; i--)
            {
                if (ReferenceEquals(attributes[i], _probe))
                {
                    attributes.RemoveAt(i);
                    break;
                }
            }
        }

        private sealed class AssignmentProbe : ArgumentTransformationAttribute
        {
            public bool Armed;
            public bool WasSet;

            public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
            {
                if (Armed) WasSet = true;
                return inputData;
            }
        }
    }
}
