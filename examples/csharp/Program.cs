// A console app that keeps a slow result across runs: the first run computes it and stores it in
// <cache root>/example.tcdb; the next run (another process) finds it there.
// Run it twice:  dotnet run --project examples/csharp   (TWATCACHE_ROOT or a first argument picks the root)
using System;
using System.Threading;
using System.Threading.Tasks;
using TwatCache;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var options = new CacheOptions
        {
            Name = "example",
            Engine = CacheEngineKind.Auto,                       // memory in front of the LiteDB file
            Root = args.Length > 0 ? args[0] : null,             // null: $TWATCACHE_ROOT, else the user cache dir
            DefaultTtl = TimeSpan.FromHours(1),
        };
        using var ctx = CacheContext.Create(options);
        foreach (var warning in ctx.Warnings) Console.Error.WriteLine("warning: " + warning);

        bool computed = false;
        var report = await ctx.GetOrAddAsync("daily-report", async ct =>
        {
            computed = true;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);     // stands in for slow work
            return new Report { Title = "Daily report", Total = 42, BuiltAt = DateTimeOffset.UtcNow };
        }, TimeSpan.FromMinutes(10), CancellationToken.None);

        Console.WriteLine(computed
            ? $"miss: computed '{report.Title}' total={report.Total}"
            : $"hit: '{report.Title}' total={report.Total}, built at {report.BuiltAt:O}");
        Console.WriteLine($"store: {ctx.Path}");
        return 0;
    }
}

/// <summary>The cached result; stored as JSON.</summary>
public sealed class Report
{
    /// <summary>Report title.</summary>
    public string Title { get; set; } = "";

    /// <summary>A computed figure.</summary>
    public int Total { get; set; }

    /// <summary>When the report was computed.</summary>
    public DateTimeOffset BuiltAt { get; set; }
}
