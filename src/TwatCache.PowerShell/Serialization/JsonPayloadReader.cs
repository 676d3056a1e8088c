using System;
using System.Management.Automation;
using System.Text.Json;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// Reads a JSON payload written from C# (<see cref="TwatCache.Serialization.JsonCacheSerializer"/>) as
    /// Invoke-Cached output, the way ConvertFrom-Json would: objects become PSCustomObjects, arrays the
    /// output items, integers Int64, other numbers Double. Strings stay strings (no date guessing).
    /// </summary>
    internal static class JsonPayloadReader
    {
        /// <summary>The output list of a JSON payload: a top-level array is the list, anything else one item.</summary>
        public static object?[] ReadOutput(byte[] payload)
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array) return new[] { Convert(root) };
            var items = new object?[root.GetArrayLength()];
            int i = 0;
            foreach (var item in root.EnumerateArray()) items[i++] = Convert(item);
            return items;
        }

        private static object? Convert(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var o = new PSObject();
                    foreach (var p in e.EnumerateObject()) o.Properties.Add(new PSNoteProperty(p.Name, Convert(p.Value)));
                    return o;
                case JsonValueKind.Array:
                    var list = new object?[e.GetArrayLength()];
                    int i = 0;
                    foreach (var item in e.EnumerateArray()) list[i++] = Convert(item);
                    return list;
                case JsonValueKind.String:
                    return e.GetString();
                case JsonValueKind.Number:
                    return e.TryGetInt64(out var l) ? l : (object)e.GetDouble();
                case JsonValueKind.True:
                    return true;
                case JsonValueKind.False:
                    return false;
                default:
                    return null;
            }
        }
    }
}
