using System.Collections;
using System.Collections.Specialized;
using System.Numerics;
using System.Text;
using System.Text.RegularExpressions;
using TwatCache.Keys;

namespace TwatCache.Core.Tests;

// Issue 13: two inputs share a key only if no code could tell them apart.
public class CanonicalFormTests
{
    [Fact]
    public void Char_is_not_a_one_letter_string()
        => Assert.NotEqual(Encode('a'), Encode("a"));

    [Fact]
    public void Enum_is_not_its_number_and_enum_types_differ()
    {
        Assert.NotEqual(Encode(DayOfWeek.Monday), Encode(1));
        Assert.NotEqual(Encode(DayOfWeek.Monday), Encode((ConsoleColor)1));
    }

    [Fact]
    public void Decimal_scale_is_kept()
    {
        Assert.NotEqual(Encode(1.0m), Encode(1.00m));
        Assert.NotEqual(Encode(0m), Encode(new decimal(0, 0, 0, true, 0)));
        Assert.Equal(Encode(1.0m), Encode(decimal.Parse("1.0", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Floats_by_exact_bits_including_NaN_payloads()
    {
        var nan1 = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000000));
        var nan2 = BitConverter.Int64BitsToDouble(unchecked((long)0xFFF8000000000001));
        Assert.NotEqual(Encode(nan1), Encode(nan2));
        Assert.NotEqual(Encode(1.0f), Encode(1.0));
        Assert.NotEqual(Encode(-0.0f), Encode(0.0f));
    }

    [Fact]
    public void Dates_keep_kind_and_offset_even_for_the_same_instant()
    {
        var d = new DateTime(2026, 1, 1, 12, 0, 0);
        Assert.NotEqual(Encode(DateTime.SpecifyKind(d, DateTimeKind.Unspecified)), Encode(DateTime.SpecifyKind(d, DateTimeKind.Utc)));
        var utc = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        var plusOne = utc.ToOffset(TimeSpan.FromHours(1));
        Assert.Equal(utc, plusOne); // equal instants...
        Assert.NotEqual(Encode(utc), Encode(plusOne)); // ...but a block can print the offset
    }

    [Fact]
    public void Big_integers_whole()
    {
        var big = BigInteger.Pow(2, 200);
        Assert.NotEqual(Encode(big), Encode(big + 1));
        Assert.NotEqual(Encode(new BigInteger(5)), Encode(5L));
    }

    [Fact]
    public void Collection_and_element_types_are_part_of_the_key()
    {
        Assert.NotEqual(Encode(new object[] { 1, 2 }), Encode(new[] { 1, 2 }));
        Assert.NotEqual(Encode(new object[] { 1, 2 }), Encode(new List<object> { 1, 2 }));
        Assert.NotEqual(Encode(new List<object> { 1, 2 }), Encode(new ArrayList { 1, 2 }));
        Assert.NotEqual(Encode(new[] { 1, 2 }), Encode(new[,] { { 1, 2 } }));
    }

    [Fact]
    public void Ordered_dictionaries_keep_order_and_differ_from_hashtables()
    {
        var a = new OrderedDictionary { ["k"] = 1, ["j"] = 2 };
        var b = new OrderedDictionary { ["j"] = 2, ["k"] = 1 };
        Assert.NotEqual(Encode(a), Encode(b));
        Assert.NotEqual(Encode(a), Encode(new Hashtable { ["k"] = 1, ["j"] = 2 }));
        Assert.NotEqual(Encode(new Dictionary<string, int> { ["k"] = 1, ["j"] = 2 }), Encode(new Dictionary<string, int> { ["j"] = 2, ["k"] = 1 }));
    }

    [Fact]
    public void Comparer_is_part_of_a_dictionary()
    {
        var ci = new Hashtable(StringComparer.OrdinalIgnoreCase) { ["a"] = 1 };
        var cs = new Hashtable { ["a"] = 1 };
        Assert.NotEqual(Encode(ci), Encode(cs));
        Assert.NotEqual(Encode(new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "a" }), Encode(new HashSet<string> { "a" }));
        Assert.Equal(Encode(new Hashtable(StringComparer.OrdinalIgnoreCase) { ["a"] = 1 }), Encode(ci));
    }

    [Fact]
    public void Private_state_counts_StringBuilder()
    {
        Assert.NotEqual(Encode(new StringBuilder("ab")), Encode(new StringBuilder("cd")));
        Assert.Equal(Encode(new StringBuilder("ab")), Encode(new StringBuilder("ab")));
    }

    [Fact]
    public void Regex_by_pattern_options_and_timeout()
    {
        Assert.NotEqual(Encode(new Regex("a")), Encode(new Regex("a", RegexOptions.IgnoreCase)));
        Assert.NotEqual(Encode(new Regex("a")), Encode(new Regex("a", RegexOptions.None, TimeSpan.FromSeconds(1))));
        Assert.NotEqual(Encode(new Regex("a")), Encode("a"));
        Assert.Equal(Encode(new Regex("a")), Encode(new Regex("a")));
    }

    private sealed class Hidden
    {
        private readonly int _secret;
        public Hidden(int secret) => _secret = secret;
        public string Name => "same";
        public int Reveal() => _secret;
    }

    [Fact]
    public void Unknown_objects_by_private_fields_too()
        => Assert.NotEqual(Encode(new Hidden(1)), Encode(new Hidden(2)));

    private sealed class WithPointer { public IntPtr Handle = new IntPtr(1); }

    [Fact]
    public void Handles_pointers_and_delegates_are_refused()
    {
        Assert.Throws<CacheKeyException>(() => Encode(new WithPointer()));
        Assert.Throws<CacheKeyException>(() => Encode(new Func<int>(() => 1)));
        Assert.Throws<CacheKeyException>(() => Encode(new IntPtr(5)));
        Assert.Throws<CacheKeyException>(() => Encode(new System.Threading.Thread(() => { })));
        Assert.Throws<CacheKeyException>(() => Encode(Task.CompletedTask));
    }

    [Fact]
    public void Shared_references_are_not_copies()
    {
        var shared = new List<int> { 1 };
        Assert.NotEqual(Encode(new object[] { shared, shared }), Encode(new object[] { new List<int> { 1 }, new List<int> { 1 } }));
    }

    [Fact]
    public void A_lone_surrogate_is_not_the_replacement_character()
    {
        Assert.NotEqual(Encode("\uD800"), Encode("\uFFFD"));
        Assert.NotEqual(KeyHasher.HashString("ns", "\uD800"), KeyHasher.HashString("ns", "\uFFFD"));
    }

    [Fact]
    public void List_capacity_is_visible_so_it_counts()
        => Assert.NotEqual(Encode(new List<int>(4) { 1 }), Encode(new List<int>(8) { 1 }));

    // A reference dump of everything code could observe of the generated values (type, exact bits, order,
    // comparer, aliasing). Property: equal keys imply equal dumps; same construction gives equal keys.
    [Fact]
    public void Differential_equal_keys_only_for_values_nothing_can_tell_apart()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("TWATCACHE_KEY_SEED"), out var s) ? s : 1313;
        int trials = int.TryParse(Environment.GetEnvironmentVariable("TWATCACHE_KEY_TRIALS"), out var t) ? t : 20000;
        var rng = new Random(seed);
        var byKey = new Dictionary<string, string>();
        for (int i = 0; i < trials; i++)
        {
            int valueSeed = rng.Next();
            var value = Generate(new Random(valueSeed), 3);
            var again = Generate(new Random(valueSeed), 3);
            string key, dump = Dump(value);
            try { key = Encode(value); }
            catch (CacheKeyException) { continue; }
            Assert.True(key == Encode(again), $"seed {seed} trial {i}: the same construction gave another key: {dump}");
            if (byKey.TryGetValue(key, out var other))
                Assert.True(other == dump, $"seed {seed} trial {i}: one key for two different values:\n{other}\n{dump}");
            else byKey[key] = dump;
        }
        Assert.True(byKey.Count > trials / 10, $"only {byKey.Count} distinct values in {trials} trials");
    }

    private static object? Generate(Random r, int depth)
    {
        int pick = r.Next(depth <= 0 ? 16 : 26);
        string[] words = { "a", "A", "b", "1", "", "a ", "\uFFFD", "\uD800" };
        object Small() => r.Next(3) switch { 0 => 1, 1 => 2, _ => 0 };
        switch (pick)
        {
            case 0: return null;
            case 1: return words[r.Next(words.Length)];
            case 2: return (char)"aAb1"[r.Next(4)];
            case 3: return (int)Small();
            case 4: return (long)(int)Small();
            case 5: return (short)(int)Small();
            case 6: return (double)(int)Small() * (r.Next(2) == 0 ? 1 : -1);
            case 7: return (float)(int)Small() * (r.Next(2) == 0 ? 1 : -1);
            case 8: return r.Next(2) == 0 ? 1.0m : 1.00m;
            case 9: return (DayOfWeek)(int)Small();
            case 10: return r.Next(2) == 0;
            case 11: return new DateTime(2026, 1, 1, 0, 0, 0, (DateTimeKind)r.Next(3));
            case 12: return new DateTimeOffset(2026, 1, 1, r.Next(2), 0, 0, TimeSpan.FromHours(r.Next(2)));
            case 13: return new BigInteger((int)Small());
            case 14: return new StringBuilder(words[r.Next(3)], r.Next(2) == 0 ? 16 : 32);
            case 15: return new Regex(words[r.Next(3)], r.Next(2) == 0 ? RegexOptions.None : RegexOptions.IgnoreCase);
            case 16: case 17: return Items(r, depth).ToArray();
            case 18: return new List<object?>(Items(r, depth));
            case 19: return new ArrayList(Items(r, depth).ToArray());
            case 20: return Items(r, depth).Select(x => x is int n ? n : 0).ToArray();
            case 21:
                var h = new Hashtable(r.Next(2) == 0 ? StringComparer.OrdinalIgnoreCase : null);
                foreach (var k in Keys(r)) h[k] = Generate(r, depth - 1);
                return h;
            case 22:
                var od = new OrderedDictionary();
                foreach (var k in Keys(r)) od[k] = Generate(r, depth - 1);
                return od;
            case 23:
                var d = new Dictionary<string, object?>(r.Next(2) == 0 ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase);
                foreach (var k in Keys(r)) d[k] = Generate(r, depth - 1);
                return d;
            case 24: return new HashSet<string>(Keys(r));
            default:
                var shared = new List<int> { 1 };
                return r.Next(2) == 0 ? new object[] { shared, shared } : new object[] { new List<int> { 1 }, new List<int> { 1 } };
        }
    }

    private static List<object?> Items(Random r, int depth)
    {
        var list = new List<object?>();
        int n = r.Next(4);
        for (int i = 0; i < n; i++) list.Add(Generate(r, depth - 1));
        return list;
    }

    private static List<string> Keys(Random r)
    {
        var pool = new List<string> { "k", "j", "K" };
        var keys = new List<string>();
        int n = r.Next(4);
        for (int i = 0; i < n && pool.Count > 0; i++)
        {
            int at = r.Next(pool.Count);
            keys.Add(pool[at]);
            pool.RemoveAt(at);
        }
        return keys;
    }

    // What code could observe. A Hashtable's order comes from per-process hash codes, so it is dumped sorted
    // (the documented exception); every other container in enumeration order.
    private static string Dump(object? v)
    {
        var sb = new StringBuilder();
        var seen = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        Dump(v, sb, seen);
        return sb.ToString();
    }

    private static void Dump(object? v, StringBuilder sb, Dictionary<object, int> seen)
    {
        if (v == null) { sb.Append("null"); return; }
        var t = v.GetType();
        sb.Append(t.FullName).Append(':');
        if (!t.IsValueType && !(v is string))
        {
            if (seen.TryGetValue(v, out var at)) { sb.Append("ref#").Append(at); return; }
            seen[v] = seen.Count;
        }
        switch (v)
        {
            case string s: sb.Append(Convert.ToHexString(Encoding.Unicode.GetBytes(s))); break;
            case double d: sb.Append(BitConverter.DoubleToInt64Bits(d)); break;
            case float f: sb.Append(BitConverter.SingleToInt32Bits(f)); break;
            case decimal m: sb.Append(string.Join(",", decimal.GetBits(m))); break;
            case DateTime dt: sb.Append(dt.Kind).Append(dt.Ticks); break;
            case DateTimeOffset dto: sb.Append(dto.Ticks).Append('@').Append(dto.Offset.Ticks); break;
            case StringBuilder b: sb.Append(b).Append('/').Append(b.Capacity); break;
            case Regex rx: sb.Append(rx).Append('/').Append(rx.Options); break;
            case Hashtable h:
                sb.Append(h.Count == 0 ? "" : ComparerName(h)).Append('{');
                foreach (var k in h.Keys.Cast<string>().OrderBy(k => k, StringComparer.Ordinal)) { sb.Append(k).Append('='); Dump(h[k], sb, seen); sb.Append(';'); }
                sb.Append('}');
                break;
            case IDictionary dict:
                sb.Append(dict is Dictionary<string, object?> gd ? (gd.Comparer == StringComparer.Ordinal ? "ord" : "ci") : "").Append('{');
                foreach (DictionaryEntry e in dict) { sb.Append(e.Key).Append('='); Dump(e.Value, sb, seen); sb.Append(';'); }
                sb.Append('}');
                break;
            case IEnumerable items:
                sb.Append('[');
                if (v is List<object?> l) sb.Append("cap").Append(l.Capacity).Append(' ');
                if (v is ArrayList al) sb.Append("cap").Append(al.Capacity).Append(' ');
                foreach (var x in items) { Dump(x, sb, seen); sb.Append(','); }
                sb.Append(']');
                break;
            default: sb.Append(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    // A Hashtable's comparer shows only when it has keys to compare ("K" vs "k").
    private static string ComparerName(Hashtable h) => h.ContainsKey("K") && h.ContainsKey("k") ? "cs" : (h.Contains(((string)h.Keys.Cast<object>().First()).ToUpperInvariant()) ? "ci" : "cs?");

    private static string Encode(object? value) => Convert.ToHexString(KeyCanonicalizer.Default.Encode(value, "$v"));
}
