using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using TwatCache.Diagnostics;
using TwatCache.Engines;
using TwatCache.Locking;

namespace TwatCache.Contexts
{
    /// <summary>
    /// The one get-or-run protocol of a context, for the C# API and the cmdlet alike: look up, on a miss take
    /// the key's single-flight lock, look again (another caller may have produced it), run the factory, then
    /// store what it says may be stored, or answer its failure with a stale entry (fail-safe).
    /// </summary>
    internal sealed class GetOrRunFlow
    {
        private static readonly TimeSpan SingleFlightWait = TimeSpan.FromMinutes(5);
        private readonly CacheContext _context;
        private readonly LayeredStore _layers;
        private readonly SingleFlightGate _gate;
        private readonly ContextLog _log;

        public GetOrRunFlow(CacheContext context, LayeredStore layers, SingleFlightGate gate, ContextLog log)
        {
            _context = context;
            _layers = layers;
            _gate = gate;
            _log = log;
        }

        public GetOrRunResult<T> Run<T>(GetOrRunRequest request, Func<RunOutcome<T>> factory)
        {
            if (TryHit(request, counted: true, out GetOrRunResult<T>? hit)) return hit!;
            using (_gate.Acquire(request.Hash, SingleFlightWait))
            {
                if (TryHit(request, counted: false, out hit)) return hit!;
                RunOutcome<T> outcome;
                var activity = StartRun();
                long started = Stopwatch.GetTimestamp();
                try
                {
                    outcome = factory();
                }
                catch (Exception ex) when (Failed(activity, ex) && TryServeStaleOn(request, ex, out GetOrRunResult<T>? stale))
                {
                    return stale!;
                }
                finally
                {
                    EndRun(activity, started);
                }
                return Complete(request, outcome);
            }
        }

        public async Task<GetOrRunResult<T>> RunAsync<T>(GetOrRunRequest request, Func<CancellationToken, Task<RunOutcome<T>>> factory, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryHit(request, counted: true, out GetOrRunResult<T>? hit)) return hit!;
            using (await _gate.AcquireAsync(request.Hash, SingleFlightWait, cancellationToken).ConfigureAwait(false))
            {
                if (TryHit(request, counted: false, out hit)) return hit!;
                cancellationToken.ThrowIfCancellationRequested();
                RunOutcome<T> outcome;
                GetOrRunResult<T>? stale = null;
                var activity = StartRun();
                long started = Stopwatch.GetTimestamp();
                try
                {
                    outcome = await factory(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (Failed(activity, ex) && TryServeStaleOn(request, ex, out stale))
                {
                    return stale!;
                }
                finally
                {
                    EndRun(activity, started);
                }
                return Complete(request, outcome);
            }
        }

        // The first lookup counts a hit only; the re-check under the lock counts the hit or the miss. So a
        // caller counts one hit or one miss, and N concurrent callers of one key count 1 miss and N-1 hits
        // (the meter's counters only grow, so a miss is never counted and taken back). -Refresh looks up nothing.
        private bool TryHit<T>(GetOrRunRequest request, bool counted, out GetOrRunResult<T>? hit)
        {
            hit = null;
            if (request.Refresh) return false;
            // The look under the key's lock goes to the store: another process may have just produced the entry.
            bool found = _context.TryGetByHash(request.Hash, typeof(T), out var value, countMiss: !counted, counted ? request.ReadAhead : null);
            if (counted && !found) request.OnMiss?.Invoke();
            if (found) hit = new GetOrRunResult<T>(GetOrRunStatus.Hit, (T)value!);
            return found;
        }

        // One activity per miss that runs the factory or block (null when nobody listens).
        private Activity? StartRun()
        {
            var activity = _layers.Telemetry.Start("twatcache.factory");
            activity?.SetTag(TwatCacheTelemetry.HitTag, false);
            return activity;
        }

        private void EndRun(Activity? activity, long started)
        {
            _layers.Telemetry.Ran(TimeSpan.FromTicks((long)((Stopwatch.GetTimestamp() - started) * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency))));
            activity?.Dispose();
        }

        // Counts a factory exception (not a cancellation) as an error; answers true so the exception filter goes on.
        private bool Failed(Activity? activity, Exception ex)
        {
            if (ex is OperationCanceledException) return true;
            _layers.Telemetry.Error();
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            return true;
        }

        private GetOrRunResult<T> Complete<T>(GetOrRunRequest request, RunOutcome<T> outcome)
        {
            if (outcome.Failure != null)
            {
                _layers.Telemetry.Error();
                return request.FailSafe && TryServeStale(request, outcome.Failure, out GetOrRunResult<T>? stale)
                    ? stale! : new GetOrRunResult<T>(GetOrRunStatus.Failed, default!) { Failure = outcome.Failure };
            }
            if (outcome.StoreWith == null) return new GetOrRunResult<T>(GetOrRunStatus.NotStored, outcome.Value);
            try
            {
                _context.SetByHash(request.Hash, outcome.Value, typeof(T), outcome.StoreWith);
            }
            catch (TwatCacheException ex)
            {
                return new GetOrRunResult<T>(GetOrRunStatus.NotStored, outcome.Value) { StoreError = ex };
            }
            _log.Computed(request.Hash);
            return new GetOrRunResult<T>(GetOrRunStatus.Stored, outcome.Value);
        }

        // A factory exception worth answering with a stale entry: fail-safe on, not a cancellation.
        private bool TryServeStaleOn<T>(GetOrRunRequest request, Exception ex, out GetOrRunResult<T>? stale)
        {
            stale = null;
            return request.StaleOnException && request.FailSafe && !(ex is OperationCanceledException)
                && TryServeStale(request, ex.Message, out stale);
        }

        private bool TryServeStale<T>(GetOrRunRequest request, string failure, out GetOrRunResult<T>? result)
        {
            result = null;
            if (!TryGetStale(request.Hash, typeof(T), request.MaxStale, out var value, out var entry)) return false;
            result = new GetOrRunResult<T>(GetOrRunStatus.StaleServed, (T)value!) { Failure = failure, StaleEntry = entry };
            return true;
        }

        /// <summary>
        /// An entry that may have expired but is still kept and was written less than <paramref name="maxStale"/>
        /// ago; counts <see cref="CacheStats.StaleServed"/> (the caller is about to serve it).
        /// </summary>
        public bool TryGetStale(string hash, Type type, TimeSpan maxStale, out object? value, out CacheEntry? entry)
        {
            var now = _context.Now;
            if (!_layers.TryGetStale(hash, type, now, maxStale, out value, out entry)) return false;
            _context.Counters.ServedStale();
            _log.StaleServed(hash, now - entry!.Created);
            return true;
        }
    }
}
