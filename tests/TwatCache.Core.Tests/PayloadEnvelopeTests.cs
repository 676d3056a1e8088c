using TwatCache.Serialization;

namespace TwatCache.Core.Tests;

public class PayloadEnvelopeTests
{
    private static readonly byte[] Key = System.Text.Encoding.UTF8.GetBytes("secret one");
    private static byte[] Repetitive(int n) => System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("<Obj><S N=\"Name\">row</S></Obj>", n / 30 + 1)))[..n];

    [Fact]
    public void Large_repetitive_payloads_are_compressed_and_round_trip()
    {
        var body = Repetitive(100_000);
        var sealedBytes = PayloadEnvelope.Seal(body, 2, 4096, Key);
        Assert.True(sealedBytes.Length < body.Length / 5, $"sealed {sealedBytes.Length} bytes");
        Assert.True(PayloadEnvelope.TryOpen(sealedBytes, Key, out var format, out var back, out _));
        Assert.Equal(2, format);
        Assert.Equal(body, back);
    }

    [Fact]
    public void Small_payloads_are_stored_as_is()
    {
        var body = Repetitive(100);
        var sealedBytes = PayloadEnvelope.Seal(body, 1, 4096, null);
        Assert.Equal(body, sealedBytes[^100..]);
        Assert.True(PayloadEnvelope.TryOpen(sealedBytes, null, out _, out var back, out _));
        Assert.Equal(body, back);
    }

    [Fact]
    public void Any_flipped_byte_is_refused()
    {
        var sealedBytes = PayloadEnvelope.Seal(Repetitive(20_000), 2, 4096, null);
        for (int i = 0; i < sealedBytes.Length; i += 97)
        {
            var copy = (byte[])sealedBytes.Clone();
            copy[i] ^= 0x40;
            if (i >= 4 && i < 8) continue; // the format id is checked by the context, not the envelope
            Assert.False(PayloadEnvelope.TryOpen(copy, null, out _, out _, out _), $"byte {i}");
        }
    }

    [Fact]
    public void A_wrong_or_missing_hmac_is_refused()
    {
        var body = Repetitive(500);
        var signed = PayloadEnvelope.Seal(body, 2, 4096, Key);
        Assert.False(PayloadEnvelope.TryOpen(signed, System.Text.Encoding.UTF8.GetBytes("other"), out _, out _, out var why));
        Assert.Equal("HMAC mismatch", why);
        var unsigned = PayloadEnvelope.Seal(body, 2, 4096, null);
        Assert.False(PayloadEnvelope.TryOpen(unsigned, Key, out _, out _, out why));
        Assert.Equal("unsigned payload", why);
    }

    [Fact]
    public void Truncated_and_unknown_versions_are_refused()
    {
        var sealedBytes = PayloadEnvelope.Seal(Repetitive(500), 2, 4096, Key);
        Assert.False(PayloadEnvelope.TryOpen(sealedBytes[..^1], Key, out _, out _, out _));
        var future = (byte[])sealedBytes.Clone();
        future[2] = PayloadEnvelope.Version + 1;
        Assert.False(PayloadEnvelope.TryOpen(future, Key, out _, out _, out var why));
        Assert.StartsWith("envelope version", why);
    }

    [Fact]
    public void A_signed_payload_copied_onto_another_key_fails()
    {
        var signed = PayloadEnvelope.Seal(new byte[] { 1, 2, 3 }, 2, 4096, Key, "key-a");
        Assert.True(PayloadEnvelope.TryOpen(signed, Key, out _, out _, out _, "key-a"));
        Assert.False(PayloadEnvelope.TryOpen(signed, Key, out _, out _, out var why, "key-b"));
        Assert.Equal("HMAC mismatch", why);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("b3dde1660000720bc0ab907a2c0d1026", 359)]
    [InlineData("clé ünïcode", 5000)]
    [InlineData("b3dde1660000720bc0ab907a2c0d1026", 16 * 1024 - 60)]   // 4 + 32 + 24 + body = 16 KiB: the largest hashed from one buffer
    [InlineData("b3dde1660000720bc0ab907a2c0d1026", 16 * 1024 - 59)]   // the smallest hashed in place
    [InlineData("b3dde1660000720bc0ab907a2c0d1026", 200_000)]
    public void The_hmac_is_the_documented_one_so_stores_written_by_earlier_builds_still_verify(string entryKey, int bodyLength)
    {
        // The MAC covers the entry key's UTF-8 length (int32, little endian) and bytes, the header, then the body:
        // computed here independently of the envelope's own code.
        var body = Enumerable.Range(0, bodyLength).Select(i => (byte)(i * 7)).ToArray();
        var sealedBytes = PayloadEnvelope.Seal(body, 2, -1, Key, entryKey);
        var keyBytes = System.Text.Encoding.UTF8.GetBytes(entryKey);
        var input = BitConverter.GetBytes(keyBytes.Length).Concat(keyBytes).Concat(sealedBytes[..24]).Concat(sealedBytes[56..]).ToArray();
        Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(Key, input), sealedBytes[24..56]);
        Assert.True(PayloadEnvelope.TryOpen(sealedBytes, Key, out _, out var opened, out _, entryKey));
        Assert.Equal(body, opened);
    }
}
