using System.Collections;
using BenchmarkDotNet.Attributes;
using TwatCache.Keys;

namespace TwatCache.Benchmarks;

/// <summary>Canonical form and XxHash128 of typical key parts: a string key, a small hashtable, an argument list.</summary>
[Config(typeof(BenchConfig))]
public class KeyHashingBenchmarks
{
    private const string StringKey = "orgs/contoso/repos?page=1";
    private readonly Hashtable _table = new() { ["org"] = "contoso", ["page"] = 1, ["since"] = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), ["all"] = true };
    private readonly object[] _arguments = { "example.org", 53, new[] { "A", "AAAA" } };
    private byte[] _canonicalTable = Array.Empty<byte>();

    [GlobalSetup]
    public void SetUp() => _canonicalTable = KeyCanonicalizer.Default.Encode(_table, "table");

    [Benchmark(Baseline = true, Description = "hash a string key")]
    public string HashString() => KeyHasher.HashString("default", StringKey);

    [Benchmark(Description = "canonicalize a 4-entry hashtable")]
    public byte[] CanonicalTable() => KeyCanonicalizer.Default.Encode(_table, "table");

    [Benchmark(Description = "hash canonical hashtable bytes")]
    public string HashCanonical() => KeyHasher.Hash("default", _canonicalTable);

    [Benchmark(Description = "canonicalize + hash an argument list")]
    public string ArgumentList() => KeyHasher.Hash("default", KeyCanonicalizer.Default.Encode(_arguments, "-ArgumentList"));
}
