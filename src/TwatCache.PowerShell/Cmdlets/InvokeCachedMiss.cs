using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.ExceptionServices;
using TwatCache.Contexts;
using TwatCache.PowerShell.Execution;
using TwatCache.PowerShell.Keys;
using TwatCache.PowerShell.Serialization;

namespace TwatCache.PowerShell.Cmdlets
{
    /// <summary>
    /// One miss of Invoke-Cached: runs the block as <c>&amp; { }</c> would and tells the core's get-or-run what
    /// came of it: store the output and exit code, hand it out unstored (errors, a failing native command, no
    /// output), or, under fail-safe, a failure that a stale entry may answer. What the run left (its held-back
    /// output, exit code watch, terminating error) stays here for the cmdlet to finish with.
    /// </summary>
    internal sealed class InvokeCachedMiss
    {
        private readonly InvokeCachedCommand _cmdlet;
        private readonly CacheContext _context;
        private readonly BlockRunMode _mode;
        private readonly object? _item;
        private readonly bool _failSafe;
        private readonly Func<IReadOnlyList<KeyPart>> _keyParts;
        private int? _exitCode;

        public InvokeCachedMiss(InvokeCachedCommand cmdlet, CacheContext context, BlockRunMode mode, object? item, bool failSafe, Func<IReadOnlyList<KeyPart>> keyParts)
        {
            _cmdlet = cmdlet;
            _context = context;
            _mode = mode;
            _item = item;
            _failSafe = failSafe;
            _keyParts = keyParts;
        }

        /// <summary>The stored key parts (<see cref="KeyPartsText"/>) of the entry the run produced; null until it is stored.</summary>
        public string? KeyPartsText { get; private set; }

        /// <summary>The -ExpiresAt time the run's result got; null without -ExpiresAt.</summary>
        public DateTimeOffset? ExpiresAt { get; private set; }

        /// <summary>The run's output (held back under fail-safe until <see cref="OutputSink.Release"/>); null before the run.</summary>
        public OutputSink? Sink { get; private set; }

        /// <summary>The <c>$LASTEXITCODE</c> watch of the run; null before the run.</summary>
        public ExitCodeWatch? Watch { get; private set; }

        /// <summary>The terminating error a fail-safe run caught, to rethrow when no stale entry answers.</summary>
        public ExceptionDispatchInfo? Terminating { get; private set; }

        /// <summary>The factory given to <see cref="CacheContext.GetOrRun{T}"/>.</summary>
        public RunOutcome<CachedOutput> Run()
        {
            // Fail-safe holds the refresh's output back: a refresh that fails half-way must not mix its
            // partial output with the stale result.
            var sink = Sink = new OutputSink(keep: true, hold: _failSafe);
            var run = _cmdlet.NewRun(_mode, _item, sink);
            var streams = _cmdlet.ReplayStreams ? StreamRecorder.Attach(run) : null;
            var watch = Watch = ExitCodeWatch.Start(_cmdlet.SessionState);
            try
            {
                try
                {
                    _cmdlet.RunBlock(run);
                }
                finally
                {
                    _exitCode = watch.Finish();
                }
            }
            catch (PipelineStoppedException)
            {
                _cmdlet.ExplainStopped();
                throw;
            }
            catch (RuntimeException ex) when (_failSafe)
            {
                // Without fail-safe a terminating error is not caught at all: it leaves as PowerShell raised it.
                Terminating = ExceptionDispatchInfo.Capture(ex);
            }
            if (_failSafe)
            {
                var failure = Failure();
                if (failure != null) return RunOutcome<CachedOutput>.Failed(failure);
                sink.Release(_cmdlet);
            }
            if (NotStoredReason() != null) return RunOutcome<CachedOutput>.DoNotStore(null!);
            // Entry options are chosen after the run, so they may depend on its result (-ExpiresAt { ... }).
            if (!_cmdlet.TryExpiresAt(_context, sink.Outputs, out var expiresAt)) return RunOutcome<CachedOutput>.DoNotStore(null!);
            ExpiresAt = expiresAt;
            KeyPartsText = TwatCache.PowerShell.Keys.KeyPartsText.Write(_keyParts());
            var stored = InvokeCachedCommand.ToStored(_context, sink.Outputs, _exitCode);
            return RunOutcome<CachedOutput>.Store(streams != null ? stored.WithRecords(streams.Records) : stored, new CacheEntryOptions
            {
                Ttl = _cmdlet.Ttl,
                ExpiresAt = expiresAt,
                SlidingTtl = _cmdlet.SlidingTtl,
                Label = _cmdlet.EntryLabel,
                FailSafe = _failSafe,
                MaxStale = _cmdlet.MaxStale,
                Tags = _cmdlet.Tag,
                KeyParts = KeyPartsText,
            });
        }

        /// <summary>With -Verbose, says why the run's result was not stored.</summary>
        public void ExplainNotStored()
        {
            var reason = NotStoredReason();
            if (reason != null && _cmdlet.IsVerbose) _cmdlet.WriteVerbose(reason);
        }

        private bool FailedExit => _exitCode.HasValue && _exitCode.Value != 0;

        // What fail-safe answers with a stale entry: a terminating error, else (without -CacheOnError) an error or a failing exit.
        private string? Failure()
        {
            if (Terminating != null) return Terminating.SourceException.Message;
            if (_cmdlet.CacheOnError) return null;
            if (Sink!.ErrorCount > 0) return Sink.FirstError?.Exception?.Message ?? Sink.FirstError?.ToString() ?? "an error";
            return FailedExit ? $"exit code {_exitCode}" : null;
        }

        private string? NotStoredReason()
        {
            if (Sink!.ErrorCount > 0 && !_cmdlet.CacheOnError) return $"Not cached: the block wrote {Sink.ErrorCount} error(s) (use -CacheOnError to cache anyway).";
            if (FailedExit && !_cmdlet.CacheOnError) return $"Not cached: the block's last native command exited with code {_exitCode} (use -CacheOnError to cache anyway).";
            if (Sink.Outputs.Count == 0 && !_cmdlet.CacheEmpty) return "Not cached: the block wrote no output (use -CacheEmpty to cache an empty result).";
            return null;
        }
    }
}
