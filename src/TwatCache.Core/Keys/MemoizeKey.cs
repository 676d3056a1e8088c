namespace TwatCache.Keys
{
    /// <summary>The canonical key of one call of a memoized function: the function's name and its argument.</summary>
    internal static class MemoizeKey
    {
        /// <summary>Canonical bytes of <paramref name="function"/> called with <paramref name="arg"/>; throws <see cref="CacheKeyException"/> for an argument that cannot be keyed.</summary>
        public static byte[] Of(string function, object? arg)
        {
            var writer = new CanonicalKeyWriter();
            writer.BeginList(3);
            writer.WriteString("memoize");
            writer.WriteString(function);
            writer.WriteEncoded(KeyCanonicalizer.Default.Encode(arg, "the argument of " + function));
            return writer.ToArray();
        }
    }
}
