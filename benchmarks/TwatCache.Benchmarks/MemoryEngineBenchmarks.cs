using BenchmarkDotNet.Attributes;
using BitFaster.Caching.Lru;
using Microsoft.Extensions.Caching.Memory;
using ZiggyCreatures.Caching.Fusion;

namespace TwatCache.Benchmarks;

/// <summary>Memory engine beside raw MemoryCache.TryGetValue, FusionCache GetOrSet and BitFaster ConcurrentLru.</summary>
public class MemoryEngineBenchmarks : EngineBenchmarks
{
    private MemoryCache _raw = null!;
    private FusionCache _fusion = null!;
    private ConcurrentLru<string, SamplePayload> _lru = null!;

    protected override CacheEngineKind Engine => CacheEngineKind.Memory;

    protected override void SetUpRaw()
    {
        _raw = new MemoryCache(new MemoryCacheOptions());
        _raw.Set(HitKey, Payload);
        _fusion = new FusionCache(new FusionCacheOptions());
        _fusion.Set(HitKey, Payload);
        _lru = new ConcurrentLru<string, SamplePayload>(1024);
        _lru.AddOrUpdate(HitKey, Payload);
    }

    protected override object? RawGet(string key) => _raw.TryGetValue(key, out var v) ? v : null;

    protected override void CleanUpRaw()
    {
        _raw.Dispose();
        _fusion.Dispose();
    }

    [Benchmark(Description = "FusionCache GetOrSet hit")]
    public SamplePayload FusionGetOrSet() => _fusion.GetOrSet(HitKey, _ => SamplePayload.Create());

    [Benchmark(Description = "BitFaster ConcurrentLru GetOrAdd hit")]
    public SamplePayload BitFasterGetOrAdd() => _lru.GetOrAdd(HitKey, _ => SamplePayload.Create());
}
