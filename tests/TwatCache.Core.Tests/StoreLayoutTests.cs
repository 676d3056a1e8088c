using TwatCache.Storage;

namespace TwatCache.Core.Tests;

/// <summary>Discovery of closed stores of every local engine, written by real contexts.</summary>
public class StoreLayoutTests
{
    [Theory]
    [InlineData(CacheEngineKind.File, ".files")]
    [InlineData(CacheEngineKind.LiteDb, ".tcdb")]
    [InlineData(CacheEngineKind.Auto, ".tcdb")]
    public void A_closed_store_of_each_local_engine_is_discovered(CacheEngineKind engine, string reported)
    {
        using var dir = new TempDir();
        using (var ctx = CacheContext.Create(new CacheOptions { Name = "only" + engine, Engine = engine, Root = dir.Path }))
        {
            ctx.Set("k", "v");
            Assert.Equal(System.IO.Path.Combine(dir.Path, "only" + engine + reported), ctx.StorePath);
        }

        Assert.Equal(new[] { "only" + engine }, StoreLayout.StoreNames(dir.Path));
        Assert.True(StoreLayout.Exists(dir.Path, "only" + engine));
        Assert.Equal(System.IO.Path.Combine(dir.Path, "only" + engine + reported), StoreLayout.LocationOf(dir.Path, "only" + engine));
        Assert.Equal(engine == CacheEngineKind.File, StoreLayout.IsFilesOnly(dir.Path, "only" + engine));
    }

    [Fact]
    public void Files_that_are_not_stores_are_not_discovered()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.txt"), "x");
        File.WriteAllText(dir.File("bad name!.tcdb"), "x");
        Directory.CreateDirectory(dir.File("x.stats.json.d"));

        Assert.Empty(StoreLayout.StoreNames(dir.Path));
        Assert.Empty(StoreLayout.StoreNames(dir.File("missing")));
    }
}
