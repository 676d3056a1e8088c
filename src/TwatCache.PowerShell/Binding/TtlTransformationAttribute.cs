using System;
using System.Management.Automation;
using TwatCache.Policies;

namespace TwatCache.PowerShell.Binding
{
    /// <summary>
    /// Turns what a user types after <c>-Ttl</c> into a TimeSpan. PowerShell binds number literals before
    /// this sees them: <c>90s</c> arrives as the short 90 (seconds, as meant) and <c>2d</c> as the decimal 2,
    /// so decimals are read as days; <c>1h</c>, <c>30m</c> and <c>1h30m</c> arrive as strings.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class TtlTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            if (value == null) return null;
            if (TryConvert(value, out var ttl, out var error)) return ttl;
            throw new ArgumentTransformationMetadataException(error);
        }

        /// <summary>Converts a TTL value of any accepted type.</summary>
        public static bool TryConvert(object value, out TimeSpan ttl, out string? error)
        {
            string shown = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            switch (value)
            {
                case TimeSpan ts:
                    return TtlParser.TryParse(ts.ToString("c"), out ttl, out error);
                case decimal days:
                    return TtlParser.TryFromSeconds((double)days * 86400, shown + "d", out ttl, out error);
                case sbyte or byte or short or ushort or int or uint or long or ulong or float or double:
                    return TtlParser.TryFromSeconds(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), shown, out ttl, out error);
                case string s:
                    return TtlParser.TryParse(s, out ttl, out error);
                default:
                    ttl = default;
                    error = $"A {value.GetType().Name} is not a TTL. {TtlParser.Grammar}";
                    return false;
            }
        }
    }
}
