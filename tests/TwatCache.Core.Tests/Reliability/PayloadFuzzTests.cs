using TwatCache.Engines;
using TwatCache.PowerShell.Serialization;
using TwatCache.Serialization;

namespace TwatCache.Core.Tests.Reliability;

/// <summary>
/// Random and mutated payloads injected into a real LiteDB store must only ever read back as a miss:
/// never an exception, never a hang, never a value that was not written. Bounded count, fixed seeds.
/// </summary>
public class PayloadFuzzTests : IDisposable
{
    // 120 rounds per case in CI; TWATCACHE_LONG=1 runs 20x more by hand.
    private static readonly int Rounds = Environment.GetEnvironmentVariable("TWATCACHE_LONG") == "1" ? 2400 : 120;
    private readonly TempDir _dir = new();

    public static TheoryData<string> Serializers => new() { "json", "clixml" };

    private static ICacheSerializer Make(string name) => name == "json" ? new JsonCacheSerializer() : new CliXmlSerializer();

    private CacheContext Context(string serializer) => CacheContext.Create(new CacheOptions
    {
        Name = "fuzz-" + serializer, Engine = CacheEngineKind.LiteDb, Root = _dir.Path, Serializer = Make(serializer),
    });

    [Theory]
    [MemberData(nameof(Serializers))]
    public void Random_payloads_are_misses(string serializer)
    {
        var rng = new Random(20261125);
        using var ctx = Context(serializer);
        using var raw = new LiteDbEngine(ctx.Path!);
        for (int i = 0; i < Rounds; i++)
        {
            var hash = ctx.HashKey("k" + i);
            var bytes = new byte[rng.Next(0, 2048)];
            rng.NextBytes(bytes);
            raw.Set(Stored(hash, bytes, ctx.Serializer.FormatId));
            Assert.False(ctx.TryGetByHash(hash, typeof(object[]), out _), $"round {i} read garbage as a hit");
        }
    }

    [Theory]
    [MemberData(nameof(Serializers))]
    public void Mutated_valid_payloads_are_misses_or_the_original_value(string serializer)
    {
        var rng = new Random(7);
        using var ctx = Context(serializer);
        var original = new object[] { "alpha", 42, "gamma" };
        var hash = ctx.HashKey("target");
        ctx.SetByHash(hash, original, typeof(object[]));
        using var raw = new LiteDbEngine(ctx.Path!);
        var good = raw.Get(hash, ctx.Now)!.Payload!;
        for (int i = 0; i < Rounds; i++)
        {
            var mutated = (byte[])good.Clone();
            int flips = rng.Next(1, 8);
            for (int f = 0; f < flips; f++) mutated[rng.Next(mutated.Length)] = (byte)rng.Next(256);
            if (rng.Next(4) == 0) Array.Resize(ref mutated, rng.Next(mutated.Length));
            raw.Set(Stored(hash, mutated, ctx.Serializer.FormatId));
            var found = ctx.TryGetByHash(hash, typeof(object[]), out var value);
            // A mutation the format cannot detect may still decode; it must never throw, and (with the
            // envelope's checksum) it must never return something other than a decodable object list.
            if (found) Assert.IsType<object[]>(value);
        }
    }

    [Fact]
    public void A_valid_payload_copied_onto_another_key_is_a_miss_never_a_wrong_hit()
    {
        using var ctx = Context("json");
        ctx.Set("a", "value of a");
        ctx.Set("b", "value of b");
        using (var raw = new LiteDbEngine(ctx.Path!))
        {
            var fromA = raw.Get(ctx.HashKey("a"), ctx.Now)!;
            raw.Set(Stored(ctx.HashKey("b"), fromA.Payload!, fromA.Format));
        }
        using var reader = Context("json");
        Assert.False(reader.TryGet<string>("b", out var v), $"served '{v}' for key b");
        Assert.True(reader.TryGet<string>("a", out var a));
        Assert.Equal("value of a", a);
    }

    [Fact]
    public void Clixml_reader_never_runs_code_from_a_payload()
    {
        // A payload that names a script block: CliXml rehydrates it as text, never as something executed.
        var marker = Path.Combine(_dir.Path, "executed.txt");
        var xml = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><SBK>Set-Content -Path '" + marker + "' -Value pwned</SBK></Objs>";
        using var ctx = Context("clixml");
        using var raw = new LiteDbEngine(ctx.Path!);
        var hash = ctx.HashKey("sb");
        raw.Set(Stored(hash, System.Text.Encoding.UTF8.GetBytes(xml), CliXmlSerializer.Id));
        ctx.TryGetByHash(hash, typeof(object[]), out var value);
        if (value is object[] items) foreach (var item in items) _ = item?.ToString();
        Assert.False(File.Exists(marker));
    }

    private static CacheEntry Stored(string hash, byte[] payload, int format) => new(hash)
    {
        Payload = payload, Format = format, Created = DateTimeOffset.UtcNow, LastAccess = DateTimeOffset.UtcNow, SizeBytes = payload.Length,
    };

    public void Dispose() => _dir.Dispose();
}
