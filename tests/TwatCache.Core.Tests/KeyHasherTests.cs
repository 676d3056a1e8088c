using System.Collections;
using TwatCache.Keys;

namespace TwatCache.Core.Tests;

public class KeyHasherTests
{
    [Fact]
    public void String_key_hash_is_a_fixed_vector_so_every_process_agrees()
    {
        // Computed once and pinned: a change here means the key format changed and KeyHasher.FormatVersion must move.
        Assert.Equal(KeyHasher.HashString("default", "answer"), KeyHasher.HashString("default", "answer"));
        Assert.Equal("f6a8326e06398c2c122035d82f6ae9b7", KeyHasher.HashString("default", "answer"));
    }

    [Fact]
    public void Hash_is_32_lowercase_hex_characters()
    {
        var h = KeyHasher.HashString("ns", "k");
        Assert.Matches("^[0-9a-f]{32}$", h);
    }

    [Fact]
    public void Namespace_separates_equal_keys()
        => Assert.NotEqual(KeyHasher.HashString("a", "k"), KeyHasher.HashString("b", "k"));

    [Fact]
    public void String_and_number_with_same_text_differ()
        => Assert.NotEqual(Encode("1"), Encode(1));

    [Fact]
    public void All_integer_types_meet()
    {
        Assert.Equal(Encode(5), Encode(5L));
        Assert.Equal(Encode((short)5), Encode((byte)5));
    }

    [Fact]
    public void Negative_zero_and_zero_are_one_value()
        => Assert.Equal(Encode(0.0), Encode(-0.0));

    [Fact]
    public void Dictionary_insertion_order_does_not_matter()
    {
        var a = new Hashtable { ["x"] = 1, ["y"] = "two" };
        var b = new Dictionary<string, object> { ["y"] = "two", ["x"] = 1 };
        Assert.Equal(Encode(a), Encode(b));
    }

    [Fact]
    public void Dictionary_values_matter()
        => Assert.NotEqual(Encode(new Hashtable { ["x"] = 1 }), Encode(new Hashtable { ["x"] = 2 }));

    [Fact]
    public void List_order_matters()
        => Assert.NotEqual(Encode(new[] { 1, 2 }), Encode(new[] { 2, 1 }));

    [Fact]
    public void Nested_list_boundaries_do_not_collide()
        => Assert.NotEqual(Encode(new object[] { new[] { 1, 2 }, 3 }), Encode(new object[] { 1, new[] { 2, 3 } }));

    [Fact]
    public void Dates_keep_kind_and_offset()
    {
        var utc = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var local = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Local);
        Assert.NotEqual(Encode(utc), Encode(local));
        Assert.NotEqual(Encode(new DateTimeOffset(utc)), Encode(new DateTimeOffset(2026, 1, 1, 1, 0, 0, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Enums_guids_timespans_and_bytes_are_scalars()
    {
        Assert.NotEqual(Encode(DayOfWeek.Monday), Encode(DayOfWeek.Tuesday));
        Assert.NotEqual(Encode(DayOfWeek.Monday), Encode(1));
        var g = Guid.NewGuid();
        Assert.Equal(Encode(g), Encode(Guid.Parse(g.ToString())));
        Assert.NotEqual(Encode(TimeSpan.FromSeconds(1)), Encode(TimeSpan.FromSeconds(2)));
        Assert.NotEqual(Encode(new byte[] { 1, 2 }), Encode(new byte[] { 1, 3 }));
    }

    private sealed class Node { public string Name { get; set; } = ""; public Node? Next { get; set; } }

    [Fact]
    public void Objects_are_keyed_by_public_properties()
    {
        Assert.Equal(Encode(new Node { Name = "a" }), Encode(new Node { Name = "a" }));
        Assert.NotEqual(Encode(new Node { Name = "a" }), Encode(new Node { Name = "b" }));
    }

    [Fact]
    public void A_cycle_is_an_error_that_names_the_value_and_suggests_an_explicit_key()
    {
        var n = new Node { Name = "loop" };
        n.Next = n;
        var ex = Assert.Throws<CacheKeyException>(() => KeyCanonicalizer.Default.Encode(n, "$node"));
        Assert.Contains("$node", ex.Message);
        Assert.Contains("-Key", ex.Message);
        Assert.Equal("TwatCache.Key", ex.ErrorId);
    }

    [Fact]
    public void Values_nested_past_the_bound_are_an_error_not_a_truncation()
    {
        object v = 1;
        for (int i = 0; i < 20; i++) v = new object[] { v };
        Assert.Throws<CacheKeyException>(() => KeyCanonicalizer.Default.Encode(v, "$deep"));
    }

    [Fact]
    public void Live_objects_are_refused()
        => Assert.Throws<CacheKeyException>(() => KeyCanonicalizer.Default.Encode(new MemoryStream(), "$stream"));

    private static string Encode(object? value) => Convert.ToHexString(KeyCanonicalizer.Default.Encode(value, "$v"));
}
