using TwatCache.Locking;

namespace TwatCache.Core.Tests;

public class KeyLockTableTests
{
    [Fact]
    public async Task Second_acquire_of_a_held_key_times_out_and_other_keys_are_free()
    {
        var locks = new KeyLockTable();
        using var held = locks.Acquire("a", TimeSpan.FromSeconds(1));
        Assert.NotNull(held);
        var other = await Task.Run(() => locks.Acquire("a", TimeSpan.FromMilliseconds(50)));
        Assert.Null(other);
        using var b = locks.Acquire("b", TimeSpan.FromMilliseconds(50));
        Assert.NotNull(b);
    }

    [Fact]
    public void Released_keys_leave_the_table()
    {
        var locks = new KeyLockTable();
        locks.Acquire("a", TimeSpan.FromSeconds(1))!.Dispose();
        Assert.Equal(0, locks.ActiveKeys);
    }

    [Fact]
    public void Cancellation_stops_a_waiter()
    {
        var locks = new KeyLockTable();
        using var held = locks.Acquire("a", TimeSpan.FromSeconds(1));
        using var cts = new CancellationTokenSource(50);
        Assert.ThrowsAny<OperationCanceledException>(() => locks.Acquire("a", TimeSpan.FromSeconds(30), cts.Token));
        Assert.Equal(1, locks.ActiveKeys);
    }
}
