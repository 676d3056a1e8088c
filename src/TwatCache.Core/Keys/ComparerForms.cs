using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace TwatCache.Keys
{
    /// <summary>
    /// Reads the comparer and capacity of a framework collection (both observable: the comparer decides
    /// which lookups succeed, the capacity is a public property). Property lookups are cached per type.
    /// </summary>
    internal static class ComparerForms
    {
        private static readonly PropertyInfo? HashtableComparer =
            typeof(Hashtable).GetProperty("EqualityComparer", BindingFlags.Instance | BindingFlags.NonPublic);
        private static readonly FieldInfo? SortedListComparer =
            typeof(SortedList).GetField("comparer", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? typeof(SortedList).GetField("_comparer", BindingFlags.Instance | BindingFlags.NonPublic);
        private static readonly ConcurrentDictionary<Type, PropertyInfo?> ComparerProperties = new ConcurrentDictionary<Type, PropertyInfo?>();
        private static readonly ConcurrentDictionary<Type, PropertyInfo?> CapacityProperties = new ConcurrentDictionary<Type, PropertyInfo?>();

        public static object? ComparerOf(object collection)
        {
            switch (collection)
            {
                case Hashtable h when h.GetType() == typeof(Hashtable):
                    if (HashtableComparer == null) throw new CacheKeyException("This .NET does not expose a Hashtable's comparer; the key cannot tell case-sensitive from case-insensitive tables.");
                    return HashtableComparer.GetValue(h);
                case SortedList s:
                    return SortedListComparer?.GetValue(s) ?? throw new CacheKeyException("This .NET does not expose a SortedList's comparer.");
                default:
                    var p = ComparerProperties.GetOrAdd(collection.GetType(), t => t.GetProperty("Comparer", BindingFlags.Instance | BindingFlags.Public));
                    return p?.GetValue(collection);
            }
        }

        public static int CapacityOf(object collection)
        {
            var p = CapacityProperties.GetOrAdd(collection.GetType(), t =>
            {
                var prop = t.GetProperty("Capacity", BindingFlags.Instance | BindingFlags.Public);
                return prop != null && prop.PropertyType == typeof(int) && prop.GetIndexParameters().Length == 0 ? prop : null;
            });
            return p == null ? 0 : (int)p.GetValue(collection)!;
        }
    }
}
