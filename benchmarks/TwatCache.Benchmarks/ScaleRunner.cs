using System.Diagnostics;
using System.Text.Json;
using TwatCache.Serialization;

namespace TwatCache.Benchmarks;

/// <summary>
/// Hit latency and store size as a persistent store grows: fills one context through the public API
/// (the same writes a user makes), stopping at each checkpoint to time random hits and read the file
/// sizes. Filling stops when the time budget is spent; unreached checkpoints are reported as such, and
/// the report extrapolates them from the measured points (never presented as measured).
/// Usage: scale --engine LiteDb --entries 1000,100000,1000000 --budget-seconds 240 --out scale.json
/// </summary>
public static class ScaleRunner
{
    private const int HitsPerBatch = 200;
    private const int Batches = 5;

    private const int FillBatch = 5000;

    public static int Run(string[] args)
    {
        var engine = Enum.Parse<CacheEngineKind>(Arg(args, "--engine", "LiteDb"), ignoreCase: true);
        var checkpoints = Arg(args, "--entries", "1000,100000,1000000").Split(',').Select(int.Parse).OrderBy(n => n).ToArray();
        var budget = TimeSpan.FromSeconds(double.Parse(Arg(args, "--budget-seconds", "240"), System.Globalization.CultureInfo.InvariantCulture));
        var outPath = Arg(args, "--out", "scale.json");

        var root = Path.Combine(Path.GetTempPath(), "twatcache-scale-" + Guid.NewGuid().ToString("N"));
        var result = new ScaleResult { Engine = engine.ToString(), BudgetSeconds = budget.TotalSeconds };
        try
        {
            CacheContext ctx;
            try
            {
                ctx = CacheContext.Create(new CacheOptions { Name = "scale", Engine = engine, Root = root });
            }
            catch (TwatCacheException ex)
            {
                result.Unavailable = ex.Message;
                Write(outPath, result);
                Console.WriteLine($"{engine}: not available in this build ({ex.Message})");
                return 0;
            }
            using (ctx)
            {
                var serializer = new JsonCacheSerializer();
                var fill = Stopwatch.StartNew();
                long payloadBytes = 0;
                int count = 0;
                foreach (var target in checkpoints)
                {
                    // Filled through CacheContext.SetMany in batches (one LiteDB transaction each), so a store
                    // of a million entries fits the budget; the hits measured afterwards are ordinary reads.
                    while (count < target && fill.Elapsed < budget)
                    {
                        int n = Math.Min(FillBatch, target - count);
                        var batch = new List<KeyValuePair<string, SamplePayload>>(n);
                        for (int i = 0; i < n; i++, count++)
                        {
                            var value = SamplePayload.Create(count);
                            payloadBytes += serializer.Serialize(value, typeof(SamplePayload)).Length;
                            batch.Add(new KeyValuePair<string, SamplePayload>("item-" + count, value));
                        }
                        ctx.SetMany(batch);
                    }
                    fill.Stop(); // the budget and the fill time count writes only, not the measuring
                    var point = Measure(ctx, count, payloadBytes, fill.Elapsed, root);
                    point.Requested = target;
                    result.Points.Add(point);
                    Console.WriteLine($"{engine} {count,9:N0} entries: hit median {point.HitMedianMicroseconds,8:F1} µs, store {point.StoreBytes / 1048576.0,8:F1} MiB = {point.StoreToPayload:F2}x payload, fill {point.FillSeconds:F0} s");
                    fill.Start();
                    if (count < target)
                    {
                        Console.WriteLine($"{engine}: budget of {budget.TotalSeconds:F0} s spent at {count:N0} of {target:N0} entries; stopping.");
                        break;
                    }
                }
            }
            Write(outPath, result);
            return 0;
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    private static ScalePoint Measure(CacheContext ctx, int count, long payloadBytes, TimeSpan fillTime, string root)
    {
        var random = new Random(count);
        var hashes = Enumerable.Range(0, HitsPerBatch).Select(_ => ctx.HashKey("item-" + random.Next(count))).ToArray();
        foreach (var h in hashes.Take(50)) ctx.TryGetByHash(h, typeof(SamplePayload), out _); // warm up
        var perHit = new List<double>();
        for (int b = 0; b < Batches; b++)
        {
            var sw = Stopwatch.StartNew();
            foreach (var h in hashes)
            {
                if (!ctx.TryGetByHash(h, typeof(SamplePayload), out _)) throw new InvalidOperationException("An inserted key missed.");
            }
            perHit.Add(sw.Elapsed.TotalMilliseconds * 1000 / hashes.Length);
        }
        perHit.Sort();
        long storeBytes = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        return new ScalePoint
        {
            Entries = count,
            HitMedianMicroseconds = perHit[perHit.Count / 2],
            PayloadBytes = payloadBytes,
            StoreBytes = storeBytes,
            FillSeconds = fillTime.TotalSeconds,
        };
    }

    private static void Write(string path, ScaleResult result)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        File.WriteAllText(path, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

/// <summary>Result of one scale run.</summary>
public sealed class ScaleResult
{
    public string Engine { get; set; } = "";
    public double BudgetSeconds { get; set; }
    public string? Unavailable { get; set; }
    public List<ScalePoint> Points { get; set; } = new();
}

/// <summary>One checkpoint: entries actually written, hit latency and sizes.</summary>
public sealed class ScalePoint
{
    public int Requested { get; set; }
    public int Entries { get; set; }
    public double HitMedianMicroseconds { get; set; }
    public long PayloadBytes { get; set; }
    public long StoreBytes { get; set; }
    public double StoreToPayload => PayloadBytes == 0 ? 0 : (double)StoreBytes / PayloadBytes;
    public double FillSeconds { get; set; }
}
