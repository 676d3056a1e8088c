using System.Collections;
using TwatCache.Keys;

namespace TwatCache.Core.Tests;

public class KeyHasherTests
{
    [Fact]
    public void String_key_hash_is_a_fixed_vector_so_every_process_agrees()
    {
        // Computed once and pinned: a change here means the key format changed and KeyHasher.FormatVersion must move.
        // Format 2 (issue 13, exact typed forms): the version is hashed into every key, so this vector moved from
        // f6a8326e06398c2c122035d82f6ae9b7 (format 1) although a string's own bytes are unchanged.
        Assert.Equal(KeyHasher.HashString("default", "answer"), KeyHasher.HashString("default", "answer"));
        Assert.Equal("f9596d8a0222a161178bd2882325ff94", KeyHasher.HashString("default", "answer"));
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
    public void Integer_types_are_different_inputs()
    {
        Assert.NotEqual(Encode(5), Encode(5L));
        Assert.NotEqual(Encode((short)5), Encode((byte)5));
        Assert.NotEqual(Encode(5u), Encode(5));
        Assert.Equal(Encode(5), Encode(5));
    }

    [Fact]
    public void Negative_zero_is_not_zero()
        => Assert.NotEqual(Encode(0.0), Encode(-0.0));

    [Fact]
    public void Hashtable_insertion_order_does_not_matter_but_its_type_does()
    {
        var a = new Hashtable { ["x"] = 1, ["y"] = "two" };
        var b = new Hashtable { ["y"] = "two", ["x"] = 1 };
        Assert.Equal(Encode(a), Encode(b));
        var c = new Dictionary<string, object> { ["x"] = 1, ["y"] = "two" };
        Assert.NotEqual(Encode(a), Encode(c));
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
    public void Objects_are_keyed_by_their_fields()
    {
        Assert.Equal(Encode(new Node { Name = "a" }), Encode(new Node { Name = "a" }));
        Assert.NotEqual(Encode(new Node { Name = "a" }), Encode(new Node { Name = "b" }));
    }

    [Fact]
    public void A_cycle_is_keyed_by_its_shape()
    {
        var loop = new Node { Name = "loop" };
        loop.Next = loop;
        var pair = new Node { Name = "loop", Next = new Node { Name = "loop" } };
        pair.Next.Next = pair;
        var loop2 = new Node { Name = "loop" };
        loop2.Next = loop2;
        Assert.Equal(Encode(loop), Encode(loop2));
        Assert.NotEqual(Encode(loop), Encode(pair));
    }

    [Fact]
    public void Values_nested_past_the_bound_are_an_error_that_names_the_value_and_suggests_an_explicit_key()
    {
        object v = 1;
        for (int i = 0; i < 100; i++) v = new object[] { v };
        var ex = Assert.Throws<CacheKeyException>(() => KeyCanonicalizer.Default.Encode(v, "$deep"));
        Assert.Contains("$deep", ex.Message);
        Assert.Contains("-Key", ex.Message);
        Assert.Equal("TwatCache.Key", ex.ErrorId);
    }

    [Fact]
    public void Live_objects_are_refused()
        => Assert.Throws<CacheKeyException>(() => KeyCanonicalizer.Default.Encode(new MemoryStream(), "$stream"));

    private static string Encode(object? value) => Convert.ToHexString(KeyCanonicalizer.Default.Encode(value, "$v"));
}
