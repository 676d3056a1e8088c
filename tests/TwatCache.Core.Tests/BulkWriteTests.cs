namespace TwatCache.Core.Tests;

public class BulkWriteTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory]
    [InlineData(CacheEngineKind.Memory)]
    [InlineData(CacheEngineKind.LiteDb)]
    [InlineData(CacheEngineKind.File)]
    [InlineData(CacheEngineKind.Auto)]
    public void SetMany_writes_every_value_readable_by_key_and_by_another_context(CacheEngineKind engine)
    {
        var items = Enumerable.Range(0, 300).Select(i => new KeyValuePair<string, string>("k" + i, "value " + i)).ToList();
        items.Add(new KeyValuePair<string, string>("big", new string('x', 64 * 1024))); // routed to File under Auto
        using (var ctx = CacheContext.Create(new CacheOptions { Name = "bulk", Engine = engine, Root = _dir.Path }))
        {
            Assert.Equal(301, ctx.SetMany(items, TimeSpan.FromHours(1)));
            Assert.True(ctx.TryGet<string>("k7", out var seven));
            Assert.Equal("value 7", seven);
            Assert.Equal(301, ctx.GetStats().Entries);
        }
        if (engine == CacheEngineKind.Memory) return;
        using var reader = CacheContext.Create(new CacheOptions { Name = "bulk", Engine = engine, Root = _dir.Path });
        foreach (var item in items) Assert.True(reader.TryGet<string>(item.Key, out var v) && v == item.Value, item.Key);
    }

    [Fact]
    public void SetMany_overwrites_and_keeps_the_ttl()
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var ctx = CacheContext.Create(new CacheOptions { Name = "bulk2", Engine = CacheEngineKind.LiteDb, Root = _dir.Path, Clock = () => now });
        ctx.Set("a", "old");
        ctx.SetMany(new[] { new KeyValuePair<string, string>("a", "new") }, TimeSpan.FromMinutes(5));
        Assert.True(ctx.TryGet<string>("a", out var v) && v == "new");
        now += TimeSpan.FromMinutes(6);
        Assert.False(ctx.TryGet<string>("a", out _));
    }

    public void Dispose() => _dir.Dispose();
}
