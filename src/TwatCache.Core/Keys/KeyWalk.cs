using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace TwatCache.Keys
{
    /// <summary>
    /// The state of one key being built: the writer, the nesting depth, how many values were written, and
    /// the objects already written (a second reference to one is written as a back-reference, so shared
    /// and cyclic graphs are keyed by their exact shape, aliasing included).
    /// </summary>
    internal sealed class KeyWalk
    {
        private Dictionary<object, int>? _seen;

        /// <summary>Starts a walk that writes into <paramref name="writer"/>.</summary>
        public KeyWalk(CanonicalKeyWriter writer) => Writer = writer;

        /// <summary>Where the canonical bytes go.</summary>
        public CanonicalKeyWriter Writer { get; }

        /// <summary>Current nesting depth.</summary>
        public int Depth { get; internal set; }

        /// <summary>Values written so far (bounded by <see cref="KeyCanonicalizer.MaxNodes"/>).</summary>
        public int Nodes { get; internal set; }

        /// <summary>State a subclass of <see cref="KeyCanonicalizer"/> carries through the walk (the PowerShell layer puts its session here).</summary>
        public object? Context { get; set; }

        /// <summary>Returns the index of <paramref name="value"/> if it was written before; otherwise remembers it and returns -1.</summary>
        internal int SeenBefore(object value)
        {
            _seen ??= new Dictionary<object, int>(ReferenceComparer.Instance);
            if (_seen.TryGetValue(value, out var index)) return index;
            _seen.Add(value, _seen.Count);
            return -1;
        }

        private sealed class ReferenceComparer : IEqualityComparer<object>
        {
            public static readonly ReferenceComparer Instance = new ReferenceComparer();
            public new bool Equals(object? x, object? y) => ReferenceEquals(x, y);
            public int GetHashCode(object obj) => RuntimeHelpers.GetHashCode(obj);
        }
    }
}
