using System;
using System.Management.Automation;

namespace TwatCache.PowerShell.Binding
{
    /// <summary>
    /// Binds <c>-Engine</c> by name only: an engine value or its name (any case). Numbers ('3', -1) and
    /// flag lists ('Memory,LiteDb'), which PowerShell's enum conversion would accept, are refused here.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class EngineTransformationAttribute : ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
        {
            var value = inputData is PSObject pso ? pso.BaseObject : inputData;
            switch (value)
            {
                case null:
                    return null;
                case CacheEngineKind kind when Enum.IsDefined(typeof(CacheEngineKind), kind):
                    return kind;
                case string s when EngineNames.TryParse(s, out var named):
                    return named;
                default:
                    throw new ArgumentTransformationMetadataException(EngineNames.NotAnEngine(value, "The engine"));
            }
        }
    }
}
