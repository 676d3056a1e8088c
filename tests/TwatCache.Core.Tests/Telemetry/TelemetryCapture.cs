using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using TwatCache.Diagnostics;

namespace TwatCache.Core.Tests.Telemetry;

/// <summary>
/// A real <see cref="MeterListener"/> and <see cref="ActivityListener"/> on the "TwatCache" meter and source,
/// keeping only what one context reported (other tests run contexts in parallel in this process).
/// </summary>
public sealed class TelemetryCapture : IDisposable
{
    private readonly string _context;
    private readonly MeterListener _meters = new();
    private readonly ActivityListener _activities;

    public TelemetryCapture(string context)
    {
        _context = context;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TwatCacheTelemetry.Name) listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meters.Start();
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TwatCacheTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (Equals(activity.GetTagItem(TwatCacheTelemetry.ContextTag), _context)) Activities.Enqueue(activity);
            },
        };
        ActivitySource.AddActivityListener(_activities);
    }

    /// <summary>Measurements of the context: instrument name, value and tags.</summary>
    public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> Measurements { get; } = new();

    /// <summary>Activities of the context, in the order they stopped.</summary>
    public ConcurrentQueue<Activity> Activities { get; } = new();

    /// <summary>The sum of one counter's measurements.</summary>
    public double Sum(string instrument) => Measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    /// <summary>How many measurements one instrument recorded.</summary>
    public int Count(string instrument) => Measurements.Count(m => m.Instrument == instrument);

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags) copy[tag.Key] = tag.Value;
        if (copy.TryGetValue(TwatCacheTelemetry.ContextTag, out var context) && Equals(context, _context))
            Measurements.Enqueue((instrument.Name, value, copy));
    }

    public void Dispose()
    {
        _meters.Dispose();
        _activities.Dispose();
    }
}
