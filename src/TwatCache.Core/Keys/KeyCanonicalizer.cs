using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace TwatCache.Keys
{
    /// <summary>
    /// Walks a .NET value into <see cref="CanonicalKeyWriter"/> form: scalars, lists, dictionaries (sorted keys)
    /// and other objects by their public properties, to a bounded depth with cycle detection.
    /// A value past the bound is an error, never a truncation: a truncated key could collide.
    /// Subclasses (the PowerShell layer) add their own object shapes through <see cref="TryWriteSpecial"/>.
    /// </summary>
    public class KeyCanonicalizer
    {
        /// <summary>The shared instance for plain .NET values.</summary>
        public static KeyCanonicalizer Default { get; } = new KeyCanonicalizer();

        /// <summary>How many levels of nested lists, maps and objects a key value may have.</summary>
        public int MaxDepth { get; set; } = 8;

        /// <summary>Encodes <paramref name="value"/>; <paramref name="name"/> names it in error messages.</summary>
        public byte[] Encode(object? value, string name)
        {
            var writer = new CanonicalKeyWriter();
            Write(writer, value, name, 0, new HashSet<object>(ReferenceEqualityComparer.Instance));
            return writer.ToArray();
        }

        /// <summary>Writes one value at the given depth; <paramref name="path"/> names it for errors.</summary>
        protected void Write(CanonicalKeyWriter writer, object? value, string path, int depth, HashSet<object> visiting)
        {
            if (writer.TryWriteScalar(value)) return;
            if (depth >= MaxDepth)
                throw Unkeyable(path, $"it is nested deeper than {MaxDepth} levels");
            if (!visiting.Add(value!))
                throw Unkeyable(path, "it refers to itself (a cycle)");
            try
            {
                if (TryWriteSpecial(writer, value!, path, depth, visiting)) return;
                switch (value)
                {
                    case IDictionary dict:
                        WriteDictionary(writer, dict, path, depth, visiting);
                        return;
                    case IEnumerable list:
                        var items = new List<object?>();
                        foreach (var item in list) items.Add(item);
                        writer.BeginList(items.Count);
                        for (int i = 0; i < items.Count; i++) Write(writer, items[i], $"{path}[{i}]", depth + 1, visiting);
                        return;
                    default:
                        WriteObjectProperties(writer, value!, path, depth, visiting);
                        return;
                }
            }
            finally
            {
                visiting.Remove(value!);
            }
        }

        /// <summary>Hook for shapes the base walker does not know; return true when written.</summary>
        protected virtual bool TryWriteSpecial(CanonicalKeyWriter writer, object value, string path, int depth, HashSet<object> visiting)
            => false;

        /// <summary>Writes a dictionary with entries sorted by the canonical bytes of their keys.</summary>
        protected void WriteDictionary(CanonicalKeyWriter writer, IDictionary dict, string path, int depth, HashSet<object> visiting)
        {
            var entries = new List<KeyValuePair<byte[], byte[]>>(dict.Count);
            foreach (DictionaryEntry entry in dict)
            {
                var keyWriter = new CanonicalKeyWriter();
                Write(keyWriter, entry.Key, $"{path}.Keys", depth + 1, visiting);
                var valueWriter = new CanonicalKeyWriter();
                Write(valueWriter, entry.Value, $"{path}[{entry.Key}]", depth + 1, visiting);
                entries.Add(new KeyValuePair<byte[], byte[]>(keyWriter.ToArray(), valueWriter.ToArray()));
            }
            writer.WriteMap(entries);
        }

        /// <summary>Writes named properties in ordinal name order under a type name.</summary>
        protected void WriteProperties(CanonicalKeyWriter writer, string typeName, List<KeyValuePair<string, object?>> properties, string path, int depth, HashSet<object> visiting)
        {
            properties.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            writer.BeginObject(typeName, properties.Count);
            foreach (var p in properties)
            {
                writer.WriteString(p.Key);
                Write(writer, p.Value, $"{path}.{p.Key}", depth + 1, visiting);
            }
        }

        private void WriteObjectProperties(CanonicalKeyWriter writer, object value, string path, int depth, HashSet<object> visiting)
        {
            var type = value.GetType();
            if (typeof(Delegate).IsAssignableFrom(type) || typeof(System.Threading.WaitHandle).IsAssignableFrom(type) || typeof(System.IO.Stream).IsAssignableFrom(type))
                throw Unkeyable(path, $"a {type.Name} is live state, not data");
            var props = new List<KeyValuePair<string, object?>>();
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!p.CanRead || p.GetIndexParameters().Length > 0) continue;
                object? v;
                try { v = p.GetValue(value); }
                catch (Exception ex) { throw Unkeyable(path + "." + p.Name, "reading it failed: " + (ex.InnerException ?? ex).Message); }
                props.Add(new KeyValuePair<string, object?>(p.Name, v));
            }
            if (props.Count == 0)
                throw Unkeyable(path, $"a {type.FullName} has no public properties to key it by");
            WriteProperties(writer, type.FullName ?? type.Name, props, path, depth, visiting);
        }

        /// <summary>Builds the error for a value that cannot be keyed.</summary>
        protected static CacheKeyException Unkeyable(string path, string reason)
            => new CacheKeyException($"Cannot build a cache key from {path}: {reason}. Pass -Key (or an explicit key) with the values that identify the result.");

        private sealed class ReferenceEqualityComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceEqualityComparer Instance = new ReferenceEqualityComparer();
            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);
            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
