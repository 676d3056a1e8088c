using BenchmarkDotNet.Attributes;
using TwatCache.Serialization;

namespace TwatCache.Benchmarks;

/// <summary>Round trips of the JSON payload serializer: one small record, and a list of 1000 of them.</summary>
[Config(typeof(BenchConfig))]
public class JsonPayloadBenchmarks
{
    private readonly JsonCacheSerializer _json = new();
    private readonly SamplePayload _one = SamplePayload.Create();
    private readonly List<SamplePayload> _thousand = Enumerable.Range(0, 1000).Select(SamplePayload.Create).ToList();

    [Benchmark(Baseline = true, Description = "JSON round trip, 1 record")]
    public object? One() => _json.Deserialize(_json.Serialize(_one, typeof(SamplePayload)), typeof(SamplePayload));

    [Benchmark(Description = "JSON round trip, 1000 records")]
    public object? Thousand() => _json.Deserialize(_json.Serialize(_thousand, typeof(List<SamplePayload>)), typeof(List<SamplePayload>));
}
