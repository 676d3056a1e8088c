namespace TwatCache.Diagnostics
{
    /// <summary>
    /// Names under which TwatCache reports to .NET diagnostics: a <c>System.Diagnostics.Metrics.Meter</c>
    /// and a <c>System.Diagnostics.ActivitySource</c>, both named <see cref="Name"/>. Collect them with a
    /// <c>MeterListener</c>/<c>ActivityListener</c>, <c>dotnet-counters monitor --counters TwatCache</c>, or
    /// OpenTelemetry's <c>AddMeter("TwatCache")</c> and <c>AddSource("TwatCache")</c>.
    /// </summary>
    public static class TwatCacheTelemetry
    {
        /// <summary>The name of the meter and of the activity source: "TwatCache".</summary>
        public const string Name = "TwatCache";

        /// <summary>Tag carrying the context name on every measurement and activity.</summary>
        public const string ContextTag = "twatcache.context";

        /// <summary>Tag carrying the engines in use (e.g. "Memory+LiteDb") on every measurement and activity.</summary>
        public const string EngineTag = "twatcache.engine";

        /// <summary>Tag of an activity: true when the lookup found a usable entry, false on a miss.</summary>
        public const string HitTag = "twatcache.hit";

        /// <summary>Tag of a store activity: the operation (get, set, remove, clear, ...).</summary>
        public const string OperationTag = "twatcache.operation";
    }
}
