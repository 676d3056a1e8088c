using BenchmarkDotNet.Attributes;

namespace TwatCache.Benchmarks;

/// <summary>
/// Issue 17: one persistent hit of the LiteDb engine alone (no memory layer) in a store of
/// <see cref="Entries"/> entries. Each invocation looks up the next of ~256 random existing keys.
/// </summary>
[Config(typeof(BenchConfig))]
public class PersistentHitBenchmarks
{
    private const int FillBatch = 5000;
    private const int Keys = 256;
    private string _root = "";
    private CacheContext _ctx = null!;
    private string[] _hashes = Array.Empty<string>();
    private int _next;

    [Params(1000, 100000)]
    public int Entries { get; set; }

    [GlobalSetup]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "twatcache-bench-persistent-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        _ctx = CacheContext.Create(new CacheOptions { Name = "persistent", Engine = CacheEngineKind.LiteDb, Root = Path.Combine(_root, "ctx") });
        for (int start = 0; start < Entries; start += FillBatch)
        {
            int n = Math.Min(FillBatch, Entries - start);
            var batch = new List<KeyValuePair<string, SamplePayload>>(n);
            for (int i = start; i < start + n; i++) batch.Add(new KeyValuePair<string, SamplePayload>("item-" + i, SamplePayload.Create(i)));
            _ctx.SetMany(batch);
        }
        var random = new Random(17);
        _hashes = Enumerable.Range(0, Keys).Select(_ => _ctx.HashKey("item-" + random.Next(Entries))).ToArray();
        foreach (var h in _hashes)
            if (!_ctx.TryGetByHash(h, typeof(SamplePayload), out _)) throw new InvalidOperationException("Benchmark setup is wrong: a seeded key missed.");
    }

    [GlobalCleanup]
    public void CleanUp()
    {
        _ctx.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Description = "LiteDb persistent hit (hashed key, random existing key)")]
    public object? Hit()
    {
        var hash = _hashes[_next];
        _next = (_next + 1) % _hashes.Length;
        if (!_ctx.TryGetByHash(hash, typeof(SamplePayload), out var value)) throw new InvalidOperationException("A seeded key missed.");
        return value;
    }
}
