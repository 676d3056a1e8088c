namespace TwatCache.Core.Tests;

/// <summary>
/// The engines every C# API test runs on. Adding an engine (File, Redis) to the C# API tests is one line here.
/// </summary>
public static class EngineKinds
{
    public static TheoryData<CacheEngineKind> Local => new()
    {
        CacheEngineKind.Memory,
        CacheEngineKind.LiteDb,
        CacheEngineKind.Auto,
    };

    /// <summary>Engines that keep entries after the context is disposed.</summary>
    public static TheoryData<CacheEngineKind> Persistent => new()
    {
        CacheEngineKind.LiteDb,
        CacheEngineKind.Auto,
    };
}
