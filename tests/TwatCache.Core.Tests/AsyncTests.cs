namespace TwatCache.Core.Tests;

/// <summary>GetOrAddAsync: cancellation, failures, not blocking the caller, single flight with sync callers.</summary>
public class AsyncTests : IDisposable
{
    private readonly TempDir _dir = new();

    private CacheContext Create(CacheEngineKind engine)
        => TestContexts.Open(engine, _dir, "async");

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public async Task Cancellation_while_waiting_for_the_key_lock_throws_and_runs_nothing(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        int runs = 0;
        using (ctx.Gate.Acquire(ctx.HashKey("k"), TimeSpan.FromSeconds(5)))
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                ctx.GetOrAddAsync("k", _ => { runs++; return Task.FromResult(1); }, ttl: null, cancellationToken: cts.Token));
        }
        Assert.Equal(0, runs);
        Assert.False(ctx.TryGet<int>("k", out _));
        Assert.Equal(0, ctx.Gate.Locks.ActiveKeys);
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public async Task An_already_cancelled_token_runs_nothing(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        int runs = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ctx.GetOrAddAsync("k", _ => { runs++; return Task.FromResult(1); }, ttl: null, cancellationToken: new CancellationToken(canceled: true)));
        Assert.Equal(0, runs);
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public async Task A_factory_that_is_cancelled_or_throws_leaves_no_entry(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        using var cts = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = ctx.GetOrAddAsync("k", async ct => { started.SetResult(); await Task.Delay(Timeout.Infinite, ct); return 1; }, ttl: null, cancellationToken: cts.Token);
        await started.Task;
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ctx.GetOrAddAsync<int>("k", async _ => { await Task.Yield(); throw new InvalidOperationException("boom"); }));
        Assert.Equal("boom", ex.Message);
        Assert.False(ctx.TryGet<int>("k", out _));
        Assert.Equal(0, ctx.GetStats().Entries);
        Assert.Equal(0, ctx.Gate.Locks.ActiveKeys);
        // The key is usable afterwards.
        Assert.Equal(2, await ctx.GetOrAddAsync("k", _ => Task.FromResult(2)));
    }

    [Fact]
    public async Task The_caller_is_not_blocked_while_the_factory_or_the_lock_is_pending()
    {
        using var ctx = Create(CacheEngineKind.Auto);
        var release = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = ctx.GetOrAddAsync("slow", _ => release.Task);
        var second = ctx.GetOrAddAsync("slow", _ => Task.FromResult("second must not run"));
        // Both calls returned to this thread with the factory still pending: nothing blocked on it.
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);
        release.SetResult("done");
        Assert.Equal("done", await first);
        Assert.Equal("done", await second);
    }

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public async Task Thirty_two_sync_and_async_callers_run_the_factory_once(CacheEngineKind engine)
    {
        using var ctx = Create(engine);
        int runs = 0;
        using var start = new ManualResetEventSlim(false);
        var callers = new List<Task<string>>();
        for (int i = 0; i < 32; i++)
        {
            if (i % 2 == 0)
            {
                // Sync callers on their own threads, so blocked waits never starve the async ones.
                callers.Add(Task.Factory.StartNew(() =>
                {
                    start.Wait();
                    return ctx.GetOrAdd("shared", () => { Interlocked.Increment(ref runs); Thread.Sleep(150); return "value"; });
                }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
            }
            else
            {
                callers.Add(Task.Run(async () =>
                {
                    start.Wait();
                    return await ctx.GetOrAddAsync("shared", async ct => { Interlocked.Increment(ref runs); await Task.Delay(150, ct); return "value"; });
                }));
            }
        }
        start.Set();
        var results = await Task.WhenAll(callers);
        Assert.Equal(1, runs);
        Assert.All(results, r => Assert.Equal("value", r));
        Assert.Equal(0, ctx.Gate.Locks.ActiveKeys);
        Assert.Equal(1, ctx.GetStats().Entries);
    }

    public void Dispose() => _dir.Dispose();
}
