using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Reflection;

namespace TwatCache.Keys
{
    /// <summary>
    /// The form of an object of a type the walker has no exact form for: its type and the values of all its
    /// instance fields — private ones and those of base classes included — walked recursively. Fields are
    /// the whole state of a .NET object, so two objects with equal fields behave the same for any code
    /// that does not compare references; public properties alone (the old rule) missed private state.
    /// A type with a pointer or handle field is refused: what it points at is not in the bytes.
    /// </summary>
    internal static class ObjectFieldForm
    {
        private static readonly ConcurrentDictionary<Type, FieldInfo[]> Fields = new ConcurrentDictionary<Type, FieldInfo[]>();

        public static void Write(KeyCanonicalizer canon, KeyWalk walk, object value, string path)
        {
            var type = value.GetType();
            var fields = Fields.GetOrAdd(type, FieldsOf);
            foreach (var f in fields)
            {
                if (LiveState.IsPointerField(f.FieldType))
                    throw KeyCanonicalizer.UnkeyableValue(path, $"a {type.FullName} holds a native pointer or handle (field {f.Name})");
            }
            var w = walk.Writer;
            w.WriteTag(KeyTags.Fields);
            w.WriteType(type);
            w.WriteRaw32(fields.Length);
            foreach (var f in fields)
            {
                object? v;
                try { v = f.GetValue(value); }
                catch (Exception ex) { throw KeyCanonicalizer.UnkeyableValue(path + "." + f.Name, "reading it failed: " + (ex.InnerException ?? ex).Message); }
                canon.Write(walk, v, path + "." + DisplayName(f));
            }
        }

        // Most-derived class first; within a class, fields by ordinal name (metadata order is not promised).
        private static FieldInfo[] FieldsOf(Type type)
        {
            var all = new List<FieldInfo>();
            for (var t = type; t != null && t != typeof(object); t = t.BaseType)
            {
                var declared = t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly);
                Array.Sort(declared, (a, b) => string.CompareOrdinal(a.Name, b.Name));
                all.AddRange(declared);
            }
            return all.ToArray();
        }

        // "<Name>k__BackingField" reads better as "Name" in an error message.
        private static string DisplayName(FieldInfo f)
        {
            var n = f.Name;
            return n.StartsWith("<", StringComparison.Ordinal) && n.IndexOf('>') > 1 ? n.Substring(1, n.IndexOf('>') - 1) : n;
        }
    }
}
