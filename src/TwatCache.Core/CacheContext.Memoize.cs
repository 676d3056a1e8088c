using System;
using TwatCache.Keys;

namespace TwatCache
{
    public sealed partial class CacheContext
    {
        /// <summary>
        /// Wraps <paramref name="fn"/> so each distinct argument is computed once and then served from this
        /// context (and, on a persistent engine, from later processes). The argument is keyed in canonical
        /// form (<see cref="KeyCanonicalizer"/>): values that no code could tell apart hit (same type, same
        /// order where order shows, same fields); an argument that cannot be keyed throws
        /// <see cref="CacheKeyException"/>. Concurrent calls with one argument run <paramref name="fn"/> once.
        /// </summary>
        /// <param name="fn">The function to memoize.</param>
        /// <param name="ttl">Absolute lifetime of each result; null uses the context default.</param>
        /// <param name="name">
        /// Names the function in the key, so two memoized functions in one context never share entries.
        /// Default: the method's declaring type and name, stable across runs of the same build. Pass a
        /// name of your own for lambdas whose compiler-generated names may change between builds.
        /// </param>
        public Func<TArg, TResult> Memoize<TArg, TResult>(Func<TArg, TResult> fn, TimeSpan? ttl = null, string? name = null)
        {
            if (fn == null) throw new ArgumentNullException(nameof(fn));
            var function = name ?? DescribeMethod(fn);
            return arg =>
            {
                var writer = new CanonicalKeyWriter();
                writer.BeginList(3);
                writer.WriteString("memoize");
                writer.WriteString(function);
                writer.WriteEncoded(KeyCanonicalizer.Default.Encode(arg, "the argument of " + function));
                var hash = HashKey(writer.ToArray());
                return GetOrAddByHash(hash, () => fn(arg), new CacheEntryOptions { Ttl = ttl, Label = function + "(" + arg + ")" });
            };
        }

        private T GetOrAddByHash<T>(string hash, Func<T> factory, CacheEntryOptions entryOptions)
        {
            if (TryGetByHash(hash, typeof(T), out var cached)) return (T)cached!;
            using (AcquireKeyLock(hash, SingleFlightWait))
            {
                if (TryPeek(hash, typeof(T), out cached)) return (T)cached!;
                T value;
                try
                {
                    value = factory();
                }
                catch (Exception ex) when (TryServeStale(ex, hash, entryOptions, out T stale))
                {
                    return stale;
                }
                SetByHash(hash, value, typeof(T), entryOptions);
                LogComputed(hash);
                return value;
            }
        }

        private static string DescribeMethod(Delegate fn)
            => (fn.Method.DeclaringType?.FullName ?? "?") + "." + fn.Method.Name;
    }
}
