using System;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using TwatCache.Contexts;
using TwatCache.Keys;
using TwatCache.Policies;

namespace TwatCache
{
    // Every get-or-add of the C# API and the cmdlet's get-or-run: one protocol (GetOrRunFlow) behind them all.
    public sealed partial class CacheContext
    {
        /// <summary>
        /// Returns the cached value of <paramref name="key"/>, or runs <paramref name="factory"/> once
        /// (concurrent callers of the key wait for it) and caches its result. A factory that throws leaves no entry.
        /// </summary>
#pragma warning disable RS0026, RS0027 // nothing shipped before 0.1.0; the CacheEntryOptions overloads sit beside these shorthands
        public T GetOrAdd<T>(string key, Func<T> factory, TimeSpan? ttl = null)
            => GetOrAdd(key, factory, new CacheEntryOptions { Ttl = ttl });

        /// <summary>
        /// Returns the cached value of <paramref name="key"/>, or runs <paramref name="factory"/> once and caches
        /// its result with <paramref name="entryOptions"/> (TTL, tags, fail-safe). With fail-safe, a factory that
        /// throws while a stale entry younger than the MaxStale limit is kept answers that entry instead.
        /// </summary>
        public T GetOrAdd<T>(string key, Func<T> factory, CacheEntryOptions entryOptions)
        {
            if (factory == null) throw new ArgumentNullException(nameof(factory));
            var options = EntryPlanner.WithLabel(entryOptions ?? throw new ArgumentNullException(nameof(entryOptions)), key);
            return ValueOf(GetOrRun(RequestFor(HashKey(key), options), () => RunOutcome<T>.Store(factory(), options)));
        }

        /// <summary>
        /// Returns the cached value of <paramref name="key"/>, or awaits <paramref name="factory"/> once and caches
        /// its result. Concurrent callers of the key, sync and async alike, wait for the first one without
        /// blocking a thread. <paramref name="cancellationToken"/> is honoured while waiting for the key's lock
        /// and is passed to the factory; a factory that throws (or is cancelled) leaves no entry.
        /// </summary>
        public Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> factory, TimeSpan? ttl = null, CancellationToken cancellationToken = default)
            => GetOrAddAsync(key, factory, new CacheEntryOptions { Ttl = ttl }, cancellationToken);

        /// <summary>
        /// Like <see cref="GetOrAddAsync{T}(string, Func{CancellationToken, Task{T}}, TimeSpan?, CancellationToken)"/>
        /// with per-entry options (TTL, tags, fail-safe; the label defaults to the key). With fail-safe, a factory
        /// that throws (but is not cancelled) while a stale entry younger than MaxStale is kept answers that entry.
        /// </summary>
        public async Task<T> GetOrAddAsync<T>(string key, Func<CancellationToken, Task<T>> factory, CacheEntryOptions entryOptions, CancellationToken cancellationToken = default)
#pragma warning restore RS0026, RS0027
        {
            if (factory == null) throw new ArgumentNullException(nameof(factory));
            var options = EntryPlanner.WithLabel(entryOptions ?? throw new ArgumentNullException(nameof(entryOptions)), key);
            var request = RequestFor(HashKey(key), options);
            return ValueOf(await _flow.RunAsync(request, async ct => RunOutcome<T>.Store(await factory(ct).ConfigureAwait(false), options), cancellationToken).ConfigureAwait(false));
        }

        /// <summary>
        /// Wraps <paramref name="fn"/> so each distinct argument is computed once and then served from this
        /// context (and, on a persistent engine, from later processes). The argument is keyed in canonical
        /// form: values that no code could tell apart hit (same type, same order where order shows, same
        /// fields); an argument that cannot be keyed throws <see cref="CacheKeyException"/>. Concurrent calls
        /// with one argument run <paramref name="fn"/> once. <paramref name="ttl"/>: lifetime of each result (null:
        /// the context default). <paramref name="name"/> names the function in the key (default: its declaring type
        /// and method name); pass one for lambdas whose generated names may change between builds.
        /// </summary>
        public Func<TArg, TResult> Memoize<TArg, TResult>(Func<TArg, TResult> fn, TimeSpan? ttl = null, string? name = null)
        {
            if (fn == null) throw new ArgumentNullException(nameof(fn));
            var function = name ?? (fn.Method.DeclaringType?.FullName ?? "?") + "." + fn.Method.Name;
            return arg =>
            {
                var options = new CacheEntryOptions { Ttl = ttl, Label = function + "(" + arg + ")" };
                var hash = HashKey(MemoizeKey.Of(function, arg));
                return ValueOf(GetOrRun(RequestFor(hash, options), () => RunOutcome<TResult>.Store(fn(arg), options)));
            };
        }

        /// <summary>
        /// The get-or-run protocol the cmdlet uses: look up <see cref="GetOrRunRequest.Hash"/> (unless Refresh), on
        /// a miss take the key's single-flight lock (this process, then other processes), look again, run
        /// <paramref name="factory"/>, then store what its <see cref="RunOutcome{T}"/> says, or answer a failure
        /// with a stale entry (fail-safe). The result says which happened.
        /// </summary>
        internal GetOrRunResult<T> GetOrRun<T>(GetOrRunRequest request, Func<RunOutcome<T>> factory) => _flow.Run(request, factory);

        private GetOrRunRequest RequestFor(string hash, CacheEntryOptions options) => new GetOrRunRequest(hash)
        {
            FailSafe = _planner.IsFailSafe(options),
            MaxStale = _planner.MaxStaleOf(options),
            StaleOnException = true,
        };

        // The C# API reports a value that cannot be serialized as the exception, where the cmdlet only warns.
        private static T ValueOf<T>(GetOrRunResult<T> result)
        {
            if (result.StoreError != null) ExceptionDispatchInfo.Capture(result.StoreError).Throw();
            return result.Value;
        }
    }
}
