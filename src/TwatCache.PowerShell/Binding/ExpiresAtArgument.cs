using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace TwatCache.PowerShell.Binding
{
    /// <summary>
    /// -ExpiresAt: a fixed time (DateTime, DateTimeOffset, or text that converts to one) or a script block
    /// run on the result after the block ran, with <c>$_</c> the single output object, or the array of
    /// outputs when there are several (or none). A DateTime of unspecified kind is local time, as Get-Date's.
    /// </summary>
    internal sealed class ExpiresAtArgument
    {
        private readonly DateTimeOffset? _fixed;
        private readonly ScriptBlock? _fromResult;

        private ExpiresAtArgument(DateTimeOffset? fixedTime, ScriptBlock? fromResult)
        {
            _fixed = fixedTime;
            _fromResult = fromResult;
        }

        /// <summary>Reads the parameter's value; a value of another kind is a <see cref="PSArgumentException"/>.</summary>
        public static ExpiresAtArgument From(object value)
        {
            var bare = value is PSObject p ? p.BaseObject : value;
            if (bare is ScriptBlock sb) return new ExpiresAtArgument(null, sb);
            if (TryTime(bare, out var time)) return new ExpiresAtArgument(time, null);
            throw new PSArgumentException($"-ExpiresAt takes a DateTime, a DateTimeOffset or a script block that returns one (from the result in $_), not '{bare}'.", "ExpiresAt");
        }

        /// <summary>When the result of a run expires; <paramref name="outputs"/> is what the block wrote.</summary>
        public DateTimeOffset Resolve(IReadOnlyList<object?> outputs)
        {
            if (_fixed.HasValue) return _fixed.Value;
            object? input = outputs.Count == 1 ? outputs[0] : ToArray(outputs);
            var results = _fromResult!.InvokeWithContext(null, new List<PSVariable> { new PSVariable("_", input) });
            for (int i = results.Count - 1; i >= 0; i--)
            {
                var bare = results[i]?.BaseObject;
                if (bare == null) continue;
                if (TryTime(bare, out var time)) return time;
                throw new PSArgumentException($"The -ExpiresAt script block returned '{bare}' ({bare.GetType().Name}), not a DateTime or DateTimeOffset.", "ExpiresAt");
            }
            throw new PSArgumentException("The -ExpiresAt script block returned no time.", "ExpiresAt");
        }

        private static object?[] ToArray(IReadOnlyList<object?> outputs)
        {
            var array = new object?[outputs.Count];
            for (int i = 0; i < array.Length; i++) array[i] = outputs[i];
            return array;
        }

        private static bool TryTime(object? bare, out DateTimeOffset time)
        {
            switch (bare)
            {
                case DateTimeOffset o:
                    time = o;
                    return true;
                case DateTime d:
                    time = d.Kind == DateTimeKind.Utc ? new DateTimeOffset(d) : new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Local));
                    return true;
                case string s when DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var parsed):
                    time = parsed;
                    return true;
                default:
                    time = default;
                    return false;
            }
        }
    }
}
