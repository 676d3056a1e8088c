namespace TwatCache.Core.Tests.Eviction;

/// <summary>
/// Issue 15 item 3: with MaxEntries 3, write 1, 2, 3, read 1, write 4 (no pause, so clock times tie):
/// LRU and LFU (ties by recency) must evict 2, FIFO must evict 1, every time.
/// </summary>
internal static class EvictionPattern
{
    public const int Repetitions = 100;

    public static string ExpectedVictim(EvictionPolicy policy) => policy == EvictionPolicy.Fifo ? "1" : "2";

    /// <summary>Runs the pattern <see cref="Repetitions"/> times in <paramref name="ctx"/>; returns the repetitions whose victim was wrong.</summary>
    public static List<string> Run(CacheContext ctx, EvictionPolicy policy)
    {
        var wrong = new List<string>();
        var expected = ExpectedVictim(policy);
        for (int r = 0; r < Repetitions; r++)
        {
            ctx.Clear();
            string K(string n) => $"r{r}-{n}";
            ctx.Set(K("1"), "v1");
            ctx.Set(K("2"), "v2");
            ctx.Set(K("3"), "v3");
            if (!ctx.TryGet<string>(K("1"), out _)) { wrong.Add($"{r}: 1 missing before the 4th write"); continue; }
            ctx.Set(K("4"), "v4");
            var present = new[] { "1", "2", "3", "4" }.Where(n => ctx.GetEntries().Any(e => e.Label == K(n))).ToList();
            var gone = new[] { "1", "2", "3", "4" }.Except(present).ToList();
            if (gone.Count != 1 || gone[0] != expected) wrong.Add($"{r}: evicted [{string.Join(",", gone)}], expected {expected}");
        }
        return wrong;
    }
}
