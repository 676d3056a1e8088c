using TwatCache.Storage;

namespace TwatCache.Core.Tests.NewStore;

/// <summary>
/// Issue 15 item 2: on a brand-new root, every caller that creates the HMAC key at once must end up
/// with the same key. Two keys in one root make one process's entries look tampered to the other, which
/// deletes them and runs the block again (single flight broken on the first call).
/// </summary>
public sealed class SecretKeyRaceTests
{
    [Fact]
    public void Concurrent_first_use_of_a_new_root_yields_one_key()
    {
        const int Roots = 150, Callers = 6;
        int split = 0;
        for (int r = 0; r < Roots; r++)
        {
            using var dir = new TempDir();
            var keys = LoadAtOnce(dir.Path, Callers);
            var onDisk = File.ReadAllBytes(dir.File(SecretKeyFile.FileName));
            if (keys.Any(k => !k.SequenceEqual(onDisk))) split++;
        }
        Assert.Equal(0, split);
    }

    [Fact]
    public void A_damaged_key_file_is_replaced_once_for_every_concurrent_caller()
    {
        for (int r = 0; r < 50; r++)
        {
            using var dir = new TempDir();
            File.WriteAllBytes(dir.File(SecretKeyFile.FileName), new byte[] { 1, 2, 3 });
            var keys = LoadAtOnce(dir.Path, 4);
            var onDisk = File.ReadAllBytes(dir.File(SecretKeyFile.FileName));
            Assert.Equal(32, onDisk.Length);
            Assert.All(keys, k => Assert.Equal(onDisk, k));
        }
    }

    // The key as each of `callers` threads loads it, all released at the same moment.
    private static byte[][] LoadAtOnce(string root, int callers)
    {
        var keys = new byte[callers][];
        using var start = new Barrier(callers);
        var threads = Enumerable.Range(0, callers).Select(i => new Thread(() =>
        {
            start.SignalAndWait();
            keys[i] = SecretKeyFile.LoadOrCreate(root);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return keys;
    }
}
