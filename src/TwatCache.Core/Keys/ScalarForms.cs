using System;
using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace TwatCache.Keys
{
    /// <summary>
    /// Exact forms of well-known immutable values: each type under its own tag, each value by everything
    /// that distinguishes it (float bits, decimal scale, date kind and ticks, offset, whole big integers).
    /// </summary>
    internal static class ScalarForms
    {
        public static bool TryWrite(CanonicalKeyWriter w, object? value)
        {
            switch (value)
            {
                case null: w.WriteNull(); return true;
                case string s: w.WriteString(s); return true;
                case bool b: w.WriteBool(b); return true;
                case int i: w.WriteTag(KeyTags.Int32); w.WriteRaw32(i); return true;
                case long l: w.WriteInt64(l); return true;
                case double d: w.WriteDouble(d); return true;
                case char c: w.WriteTag(KeyTags.Char); w.WriteRaw32(c); return true;
                case Enum e: WriteEnum(w, e); return true;
                case sbyte sb: w.WriteTag(KeyTags.SByte); w.WriteRaw32(sb); return true;
                case byte by: w.WriteTag(KeyTags.Byte); w.WriteRaw32(by); return true;
                case short sh: w.WriteTag(KeyTags.Int16); w.WriteRaw32(sh); return true;
                case ushort us: w.WriteTag(KeyTags.UInt16); w.WriteRaw32(us); return true;
                case uint ui: w.WriteTag(KeyTags.UInt32); w.WriteRaw32(unchecked((int)ui)); return true;
                case ulong ul: w.WriteTag(KeyTags.UInt64); w.WriteRaw64(ul); return true;
                case float f: w.WriteTag(KeyTags.Single); w.WriteRaw32(SingleBits(f)); return true;
                case decimal m:
                    // The four words keep the scale (1.0 vs 1.00) and the sign of zero.
                    w.WriteTag(KeyTags.Decimal);
                    foreach (var part in decimal.GetBits(m)) w.WriteRaw32(part);
                    return true;
                case BigInteger bi: w.WriteTagged(KeyTags.BigInteger, bi.ToByteArray()); return true;
                case DateTime dt:
                    w.WriteTag(KeyTags.DateTime);
                    w.WriteRaw32((int)dt.Kind);
                    w.WriteRaw64(unchecked((ulong)dt.Ticks));
                    return true;
                case DateTimeOffset dto:
                    w.WriteTag(KeyTags.DateTimeOffset);
                    w.WriteRaw64(unchecked((ulong)dto.DateTime.Ticks));
                    w.WriteRaw64(unchecked((ulong)dto.Offset.Ticks));
                    return true;
                case TimeSpan ts: w.WriteTag(KeyTags.TimeSpan); w.WriteRaw64(unchecked((ulong)ts.Ticks)); return true;
                case Guid g: w.WriteTagged(KeyTags.Guid, g.ToByteArray()); return true;
                case Uri uri:
                    if (uri.GetType() != typeof(Uri)) return false;
                    w.WriteTag(KeyTags.Uri);
                    w.WriteBool(uri.IsAbsoluteUri);
                    w.WriteString(uri.OriginalString);
                    return true;
                case Version v:
                    w.WriteTag(KeyTags.Version);
                    w.WriteRaw32(v.Major); w.WriteRaw32(v.Minor); w.WriteRaw32(v.Build); w.WriteRaw32(v.Revision);
                    return true;
                case System.Net.IPAddress ip:
                    if (ip.GetType() != typeof(System.Net.IPAddress)) return false;
                    w.WriteTag(KeyTags.IPAddress);
                    w.WriteRaw32((int)ip.AddressFamily);
                    w.WriteBytes(ip.GetAddressBytes());
                    w.WriteRaw64(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? unchecked((ulong)ip.ScopeId) : 0);
                    return true;
                case Type t: w.WriteType(t); return true;
                case CompareInfo ci: w.WriteTaggedText('k', ci.Name); return true;
                case CultureInfo culture when culture.IsReadOnly && culture.GetType() == typeof(CultureInfo):
                    w.WriteTaggedText('u', culture.Name + "|" + (culture.UseUserOverride ? "user" : "fixed"));
                    return true;
                case Regex rx:
                    // Only the Regex class itself: its pattern, options and timeout are all its state.
                    if (rx.GetType() != typeof(Regex)) return false;
                    w.WriteTag(KeyTags.Regex);
                    w.WriteString(rx.ToString());
                    w.WriteRaw32((int)rx.Options);
                    w.WriteRaw64(unchecked((ulong)rx.MatchTimeout.Ticks));
                    return true;
                default: return false;
            }
        }

        private static void WriteEnum(CanonicalKeyWriter w, Enum e)
        {
            var type = e.GetType();
            w.WriteTag(KeyTags.Enum);
            w.WriteType(type);
            var underlying = Enum.GetUnderlyingType(type);
            ulong raw = underlying == typeof(ulong) ? Convert.ToUInt64(e, CultureInfo.InvariantCulture)
                : unchecked((ulong)Convert.ToInt64(e, CultureInfo.InvariantCulture));
            w.WriteRaw64(raw);
        }

        private static int SingleBits(float f) => new SingleBitsView { Single = f }.Bits;

        [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit)]
        private struct SingleBitsView
        {
            [System.Runtime.InteropServices.FieldOffset(0)] public float Single;
            [System.Runtime.InteropServices.FieldOffset(0)] public int Bits;
        }
    }
}
