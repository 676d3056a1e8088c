using System;

namespace TwatCache.Keys
{
    /// <summary>
    /// Walks a .NET value into <see cref="CanonicalKeyWriter"/> form under one rule: two values share bytes
    /// only if no code could tell them apart. Known immutable values get exact typed forms; arrays and
    /// known collections keep their type, comparer and order (only hash-ordered Hashtable and
    /// ConcurrentDictionary with simple keys are sorted); any other object is keyed by its type and every
    /// instance field, private ones included, recursively; live state (delegates, streams, handles,
    /// pointers, threads, tasks, COM and remoting objects) is refused with <see cref="CacheKeyException"/>.
    /// A value past the depth or size bound is an error, never a truncation: a truncated key could collide.
    /// Subclasses (the PowerShell layer) add their own shapes through <see cref="TryWriteSpecial"/>.
    /// </summary>
    internal class KeyCanonicalizer
    {
        /// <summary>The shared instance for plain .NET values.</summary>
        public static KeyCanonicalizer Default { get; } = new KeyCanonicalizer();

        /// <summary>How many levels of nesting a key value may have.</summary>
        public int MaxDepth { get; set; } = 64;

        /// <summary>How many values (items, fields, members) one key may contain.</summary>
        public int MaxNodes { get; set; } = 1_000_000;

        /// <summary>Encodes <paramref name="value"/>; <paramref name="name"/> names it in error messages.</summary>
        public byte[] Encode(object? value, string name)
        {
            var walk = new KeyWalk(new CanonicalKeyWriter());
            Write(walk, value, name);
            return walk.Writer.ToArray();
        }

        /// <summary>Writes one value; <paramref name="path"/> names it for errors.</summary>
        public void Write(KeyWalk walk, object? value, string path)
        {
            if (++walk.Nodes > MaxNodes)
                throw Unkeyable(path, $"the value has more than {MaxNodes} parts");
            if (walk.Writer.TryWriteScalar(value)) return;
            if (walk.Depth >= MaxDepth)
                throw Unkeyable(path, $"it is nested deeper than {MaxDepth} levels");
            var type = value!.GetType();
            if (!type.IsValueType)
            {
                int index = walk.SeenBefore(value);
                if (index >= 0)
                {
                    walk.Writer.WriteTag(KeyTags.BackReference);
                    walk.Writer.WriteRaw32(index);
                    return;
                }
            }
            WriteUnshared(walk, value, path);
        }

        /// <summary>
        /// Writes a non-scalar value without the back-reference check: for a subclass form that wraps an
        /// object and then writes that same object's own form.
        /// </summary>
        protected void WriteUnshared(KeyWalk walk, object value, string path)
        {
            walk.Depth++;
            try
            {
                if (TryWriteSpecial(walk, value, path)) return;
                var refusal = LiveState.Reason(value, value.GetType());
                if (refusal != null) throw Unkeyable(path, refusal);
                if (ContainerForms.TryWrite(this, walk, value, path)) return;
                ObjectFieldForm.Write(this, walk, value, path);
            }
            finally
            {
                walk.Depth--;
            }
        }

        /// <summary>Hook for shapes the base walker does not know; return true when written.</summary>
        protected virtual bool TryWriteSpecial(KeyWalk walk, object value, string path) => false;

        /// <summary>Builds the error for a value that cannot be keyed.</summary>
        protected static CacheKeyException Unkeyable(string path, string reason)
            => new CacheKeyException($"Cannot build a cache key from {path}: {reason}. Pass -Key (or an explicit key) with the values that identify the result.");

        internal static CacheKeyException UnkeyableValue(string path, string reason) => Unkeyable(path, reason);
    }
}
