using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Collections.Specialized;

namespace TwatCache.Keys
{
    /// <summary>
    /// Forms of arrays and of the framework's collections: always the exact type (so object[] is not int[]
    /// and a Hashtable is not an OrderedDictionary), the comparer where it changes lookups, the capacity
    /// where it is visible, and the items in enumeration order. Only a Hashtable or ConcurrentDictionary
    /// whose keys are all simple values is written sorted: their order comes from hash codes, which .NET
    /// randomizes per process, so it is not part of their meaning. A collection type not listed here
    /// (a subclass, a custom collection, a lazy sequence) is walked field by field like any object.
    /// </summary>
    internal static class ContainerForms
    {
        private static readonly HashSet<Type> OrderedGenerics = new HashSet<Type>
        {
            typeof(List<>), typeof(Queue<>), typeof(Stack<>), typeof(LinkedList<>), typeof(Collection<>),
            typeof(ReadOnlyCollection<>), typeof(HashSet<>), typeof(SortedSet<>),
        };

        private static readonly HashSet<Type> DictionaryGenerics = new HashSet<Type>
        {
            typeof(Dictionary<,>), typeof(SortedDictionary<,>), typeof(SortedList<,>), typeof(ConcurrentDictionary<,>),
        };

        public static bool TryWrite(KeyCanonicalizer canon, KeyWalk walk, object value, string path)
        {
            var type = value.GetType();
            if (value is Array array)
            {
                WriteArray(canon, walk, array, path);
                return true;
            }
            if (type == typeof(Hashtable) || type == typeof(OrderedDictionary) || type == typeof(SortedList))
            {
                WriteDictionary(canon, walk, (IDictionary)value, path, sortable: type == typeof(Hashtable));
                return true;
            }
            if (type == typeof(ArrayList) || type == typeof(Queue) || type == typeof(Stack))
            {
                WriteSequence(canon, walk, (IEnumerable)value, path);
                return true;
            }
            if (!type.IsGenericType) return false;
            var definition = type.GetGenericTypeDefinition();
            if (OrderedGenerics.Contains(definition))
            {
                WriteSequence(canon, walk, (IEnumerable)value, path);
                return true;
            }
            if (DictionaryGenerics.Contains(definition))
            {
                WriteDictionary(canon, walk, (IDictionary)value, path, sortable: definition == typeof(ConcurrentDictionary<,>));
                return true;
            }
            return false;
        }

        private static void WriteArray(KeyCanonicalizer canon, KeyWalk walk, Array array, string path)
        {
            var w = walk.Writer;
            w.WriteTag(KeyTags.Array);
            w.WriteType(array.GetType());
            w.WriteRaw32(array.Rank);
            for (int d = 0; d < array.Rank; d++)
            {
                w.WriteRaw32(array.GetLength(d));
                w.WriteRaw32(array.GetLowerBound(d));
            }
            if (array is byte[] bytes)
            {
                w.WriteBytes(bytes);
                return;
            }
            int i = 0;
            foreach (var item in array) canon.Write(walk, item, $"{path}[{i++}]");
        }

        private static void WriteSequence(KeyCanonicalizer canon, KeyWalk walk, IEnumerable items, string path)
        {
            var w = walk.Writer;
            var type = items.GetType();
            w.WriteTag(KeyTags.Sequence);
            w.WriteType(type);
            WriteExtraState(canon, walk, items, path);
            var list = new List<object?>();
            foreach (var item in items) list.Add(item);
            w.WriteRaw32(list.Count);
            for (int i = 0; i < list.Count; i++) canon.Write(walk, list[i], $"{path}[{i}]");
        }

        private static void WriteDictionary(KeyCanonicalizer canon, KeyWalk walk, IDictionary dict, string path, bool sortable)
        {
            var w = walk.Writer;
            w.WriteTag(KeyTags.Dictionary);
            w.WriteType(dict.GetType());
            WriteExtraState(canon, walk, dict, path);
            var entries = new List<DictionaryEntry>(dict.Count);
            foreach (DictionaryEntry e in dict) entries.Add(e);
            if (sortable && TrySortBySimpleKeys(entries, out var sortedKeys))
            {
                w.WriteTag(KeyTags.SortedMap);
                w.WriteRaw32(entries.Count);
                for (int i = 0; i < entries.Count; i++)
                {
                    w.WriteEncoded(sortedKeys![i]);
                    canon.Write(walk, entries[i].Value, $"{path}[{entries[i].Key}]");
                }
                return;
            }
            w.WriteTag(KeyTags.List);
            w.WriteRaw32(entries.Count);
            foreach (var e in entries)
            {
                canon.Write(walk, e.Key, $"{path}.Keys");
                canon.Write(walk, e.Value, $"{path}[{e.Key}]");
            }
        }

        // Sorts entries by the canonical bytes of their keys when every key is a simple value; otherwise
        // (a key that is an object) leaves the enumeration order, which is sound, just less often a hit.
        private static bool TrySortBySimpleKeys(List<DictionaryEntry> entries, out List<byte[]>? sortedKeys)
        {
            sortedKeys = null;
            var keyed = new List<KeyValuePair<byte[], DictionaryEntry>>(entries.Count);
            foreach (var e in entries)
            {
                var kw = new CanonicalKeyWriter();
                if (!kw.TryWriteScalar(e.Key)) return false;
                keyed.Add(new KeyValuePair<byte[], DictionaryEntry>(kw.ToArray(), e));
            }
            keyed.Sort((a, b) => CanonicalKeyWriter.CompareBytes(a.Key, b.Key));
            sortedKeys = new List<byte[]>(keyed.Count);
            entries.Clear();
            foreach (var k in keyed)
            {
                sortedKeys.Add(k.Key);
                entries.Add(k.Value);
            }
            return true;
        }

        // The state besides the items that a script can observe: the comparer (lookups) and the capacity.
        private static void WriteExtraState(KeyCanonicalizer canon, KeyWalk walk, object collection, string path)
        {
            var comparer = ComparerForms.ComparerOf(collection);
            canon.Write(walk, comparer, path + ".Comparer");
            var capacity = collection switch
            {
                ArrayList a => a.Capacity,
                _ => ComparerForms.CapacityOf(collection),
            };
            walk.Writer.WriteRaw32(capacity);
        }
    }
}
