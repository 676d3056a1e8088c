using BenchmarkDotNet.Attributes;
using TwatCache.Serialization;

namespace TwatCache.Benchmarks;

/// <summary>
/// Hit and miss of one TwatCache engine beside the raw store it wraps (the baseline, same payload).
/// Adding an engine is one subclass: say which engine, and how the raw store is set up and read.
/// </summary>
[Config(typeof(BenchConfig))]
public abstract class EngineBenchmarks
{
    protected const string HitKey = "orgs/contoso/repos?page=1";
    protected const string MissKey = "orgs/contoso/repos?page=999";
    private string _root = "";
    private string _hitHash = "", _missHash = "";

    protected CacheContext Context { get; private set; } = null!;
    protected SamplePayload Payload { get; } = SamplePayload.Create();

    /// <summary>The payload as the persistent engines store it (System.Text.Json bytes).</summary>
    protected byte[] PayloadBytes { get; private set; } = Array.Empty<byte>();

    /// <summary>A private directory for files of this run.</summary>
    protected string Root => _root;

    protected abstract CacheEngineKind Engine { get; }

    protected abstract void SetUpRaw();

    protected abstract object? RawGet(string key);

    protected virtual void CleanUpRaw() { }

    [GlobalSetup]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "twatcache-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        Context = CacheContext.Create(new CacheOptions { Name = "bench", Engine = Engine, Root = Path.Combine(_root, "ctx") });
        Context.Set(HitKey, Payload);
        _hitHash = Context.HashKey(HitKey);
        _missHash = Context.HashKey(MissKey);
        PayloadBytes = new JsonCacheSerializer().Serialize(Payload, typeof(SamplePayload));
        SetUpRaw();
        if (RawGet(HitKey) == null || RawGet(MissKey) != null || !Context.TryGet<SamplePayload>(HitKey, out _))
            throw new InvalidOperationException("Benchmark setup is wrong: the hit key must hit and the miss key must miss.");
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        CleanUpRaw();
        Context.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "raw store hit")]
    public object? RawHit() => RawGet(HitKey);

    [Benchmark(Description = "raw store miss")]
    public object? RawMiss() => RawGet(MissKey);

    /// <summary>The lookup Invoke-Cached does after hashing its key.</summary>
    [Benchmark(Description = "TwatCache hit (hashed key)")]
    public object? Hit()
    {
        Context.TryGetByHash(_hitHash, typeof(SamplePayload), out var value);
        return value;
    }

    /// <summary>The C# API: hashes the string key, then looks it up.</summary>
    [Benchmark(Description = "TwatCache hit (TryGet<T>, string key)")]
    public SamplePayload? HitByStringKey() => Context.TryGet<SamplePayload>(HitKey, out var value) ? value : null;

    [Benchmark(Description = "TwatCache miss (hashed key)")]
    public object? Miss()
    {
        Context.TryGetByHash(_missHash, typeof(SamplePayload), out var value);
        return value;
    }
}
