namespace TwatCache.Core.Tests;

/// <summary>
/// The one way tests open a context: a real store of the given engine under the test's own directory,
/// on the test's clock when it has one. Each test class keeps a short <c>Create</c> with its defaults.
/// </summary>
public static class TestContexts
{
    public static CacheContext Open(CacheEngineKind engine, TempDir dir, string name, ManualClock? clock = null, Action<CacheOptions>? tweak = null)
    {
        var options = new CacheOptions { Name = name, Engine = engine, Root = dir.Path };
        if (clock != null) options.Clock = () => clock.Now;
        tweak?.Invoke(options);
        return CacheContext.Create(options);
    }
}
