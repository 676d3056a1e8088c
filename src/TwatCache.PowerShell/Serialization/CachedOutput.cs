using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// What Invoke-Cached stores for one run: the block's output items in order ($null items and
    /// arrays written as one object included) and the <c>$LASTEXITCODE</c> the block left, when it set one.
    /// A frozen result keeps every mutable item as CliXml and makes a fresh copy of it on each replay, so no
    /// caller can change what the next caller gets; immutable scalars (strings, numbers, dates...) are shared.
    /// </summary>
    public sealed class CachedOutput
    {
        private readonly object?[] _items;
        private IReadOnlyList<StreamRecord> _records = Array.Empty<StreamRecord>();

        private CachedOutput(object?[] items, int? exitCode, bool frozen)
        {
            _items = items;
            ExitCode = exitCode;
            IsFrozen = frozen;
        }

        /// <summary>A result holding the live objects (handed out as they are: the Memory engine's shared objects).</summary>
        public static CachedOutput Live(IReadOnlyList<object?> items, int? exitCode)
        {
            var copy = new object?[items.Count];
            for (int i = 0; i < copy.Length; i++) copy[i] = items[i];
            return new CachedOutput(copy, exitCode, frozen: false);
        }

        /// <summary>A result whose mutable items are kept as CliXml of <paramref name="depth"/> (see <see cref="CliXmlSerializer.Depth"/>).</summary>
        public static CachedOutput Freeze(IReadOnlyList<object?> items, int? exitCode, int depth)
        {
            var frozen = new object?[items.Count];
            for (int i = 0; i < frozen.Length; i++) frozen[i] = FreezeItem(items[i], depth);
            return new CachedOutput(frozen, exitCode, frozen: true);
        }

        /// <summary>A frozen result made of items already read from a payload (each a scalar or its CliXml).</summary>
        internal static CachedOutput FromStored(object?[] frozenItems, int? exitCode) => new CachedOutput(frozenItems, exitCode, frozen: true);

        /// <summary>
        /// Warnings and information records kept by -ReplayStreams, in order, each with the number of outputs
        /// before it; empty without -ReplayStreams.
        /// </summary>
        public IReadOnlyList<StreamRecord> Records => _records;

        /// <summary>True when the run was recorded with -ReplayStreams (even if it wrote no records).</summary>
        public bool StreamsRecorded { get; private set; }

        /// <summary>This result with <paramref name="records"/> kept beside its items (the items are shared, not copied).</summary>
        public CachedOutput WithRecords(IReadOnlyList<StreamRecord> records)
            => new CachedOutput(_items, ExitCode, IsFrozen) { _records = records ?? Array.Empty<StreamRecord>(), StreamsRecorded = true };

        /// <summary>The exit code the block left in <c>$LASTEXITCODE</c>, or null when it ran no native command.</summary>
        public int? ExitCode { get; }

        /// <summary>True when mutable items are copied on each replay.</summary>
        public bool IsFrozen { get; }

        /// <summary>Number of output items.</summary>
        public int Count => _items.Length;

        /// <summary>The item at <paramref name="index"/> as a caller receives it: a fresh copy for a frozen mutable item.</summary>
        public object? ItemAt(int index)
        {
            var item = _items[index];
            return item is FrozenItem f ? f.Thaw() : item;
        }

        /// <summary>Every item as a caller receives it.</summary>
        public object?[] ToArray()
        {
            var result = new object?[_items.Length];
            for (int i = 0; i < result.Length; i++) result[i] = ItemAt(i);
            return result;
        }

        // The stored form of each item: a scalar itself, or its CliXml (null stays null).
        internal IEnumerable<object?> StoredItems => _items;

        /// <summary>True for values nobody can change in place: they need no copy.</summary>
        public static bool IsImmutableScalar(object? value)
        {
            switch (value)
            {
                case null:
                case string _:
                case bool _:
                case char _:
                case byte _:
                case sbyte _:
                case short _:
                case ushort _:
                case int _:
                case uint _:
                case long _:
                case ulong _:
                case float _:
                case double _:
                case decimal _:
                case DateTime _:
                case DateTimeOffset _:
                case TimeSpan _:
                case Guid _:
                case Version _:
                case Uri _:
                    return true;
                default:
                    return value is Enum || value is System.Numerics.BigInteger;
            }
        }

        private static object? FreezeItem(object? item, int depth)
        {
            if (item is PSObject pso && IsImmutableScalar(pso.BaseObject) && !HasInstanceMembers(pso)) return pso.BaseObject;
            if (IsImmutableScalar(item)) return item;
            return new FrozenItem(PSSerializer.Serialize(item, depth));
        }

        // A wrapped scalar with notes added (Add-Member) can be changed; a bare wrapper cannot.
        private static bool HasInstanceMembers(PSObject pso)
        {
            foreach (var m in pso.Members)
            {
                if (m.IsInstance && (m is PSNoteProperty || m is PSScriptProperty || m is PSAliasProperty || m is PSScriptMethod || m is PSCodeProperty)) return true;
            }
            return false;
        }

        /// <summary>An item kept as CliXml; each thaw is a new object.</summary>
        internal sealed class FrozenItem
        {
            private object? _unclaimed;
            private string? _xml;
            // Or, for an item read from a payload, its UTF-8 text there: decoded only if a second thaw or a
            // write needs it (a pipeline's read-ahead replays each item once and never does).
            private readonly StoredText _stored;

            public FrozenItem(string xml) => _xml = xml;

            // An item just read from a payload was deserialized once already: the first thaw takes that copy.
            public FrozenItem(StoredText stored, object firstCopy)
            {
                _stored = stored;
                _unclaimed = firstCopy;
            }

            public string Xml => _xml ??= _stored.Decode();

            public object? Thaw()
            {
                var first = System.Threading.Interlocked.Exchange(ref _unclaimed, null);
                return first ?? DeserializedShapes.Restore(PSSerializer.Deserialize(Xml));
            }
        }
    }

    /// <summary>
    /// CliXml reads every list back as an ArrayList; an array the block wrote (<c>Write-Output -NoEnumerate</c>,
    /// <c>, @(...)</c>) comes back as an object[] again, nested arrays inside it too.
    /// </summary>
    internal static class DeserializedShapes
    {
        private const string ArrayTypeName = "Deserialized.System.Object[]";

        public static object? Restore(object? value)
        {
            if (!(value is PSObject pso) || !(pso.BaseObject is ArrayList list)) return value;
            var names = pso.TypeNames;
            if (names.Count == 0 || !string.Equals(names[0], ArrayTypeName, StringComparison.Ordinal)) return value;
            var array = new object?[list.Count];
            for (int i = 0; i < array.Length; i++) array[i] = Restore(list[i]);
            return array;
        }
    }
}
