namespace TwatCache.Benchmarks;

/// <summary>A typical small result: a record with a few scalars and short lists (~400 bytes of JSON).</summary>
public sealed class SamplePayload
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public DateTime Created { get; set; }
    public string[] Tags { get; set; } = Array.Empty<string>();
    public double[] Values { get; set; } = Array.Empty<double>();

    /// <summary>The same instance shape every benchmark stores.</summary>
    public static SamplePayload Create(int id = 42) => new()
    {
        Id = id,
        Name = "build-agent-" + id + ".contoso.example",
        Created = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc),
        Tags = new[] { "linux", "x64", "ci", "cache", "powershell" },
        Values = Enumerable.Range(0, 24).Select(i => i * 1.25).ToArray(),
    };
}
