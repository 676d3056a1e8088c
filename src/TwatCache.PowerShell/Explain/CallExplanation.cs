using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Text;
using TwatCache.PowerShell.Keys;

namespace TwatCache.PowerShell.Explain
{
    /// <summary>
    /// The key-parts side of one Invoke-Cached call: on a miss, the parts of the key (rebuilt with a
    /// recorder, so hits never pay for them), the -Verbose line that explains the miss, and, on a store,
    /// the parts for the entry and the block's <see cref="BlockHistory"/>.
    /// </summary>
    internal sealed class CallExplanation
    {
        private readonly CacheContext _context;
        // The same block is the same text anywhere, or (when it has a file) the block at the same place
        // in that file whatever its text now: a miss looks in both, so it can say "the block's text changed".
        private readonly BlockHistory[] _histories;

        public CallExplanation(CacheContext context, ScriptBlock block, BlockAnalysis analysis)
        {
            _context = context;
            var extent = block.Ast.Extent;
            var byText = BlockHistory.For(context, Id("text:" + Convert.ToBase64String(analysis.Fingerprint)));
            _histories = string.IsNullOrEmpty(extent.File)
                ? new[] { byText }
                : new[] { byText, BlockHistory.For(context, Id("site:" + extent.File + ":" + extent.StartLineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture))) };
        }

        /// <summary>The key parts of a block call (the same key bytes as the lookup used, hashed part by part).</summary>
        public IReadOnlyList<KeyPart> PartsOfBlock(BlockAnalysis block, object?[]? arguments, bool hasItem, object? item, SessionState state, DependsOnFiles? files)
        {
            KeyPartsRecorder? recorder = null;
            var canonical = InvocationKey.ForBlock(block, arguments, hasItem, item, state, files, w => recorder = new KeyPartsRecorder(w), describe: false, out _);
            return recorder!.Finish(canonical, _context.HashKey);
        }

        /// <summary>The one part of an explicit -Key.</summary>
        public static IReadOnlyList<KeyPart> PartsOfKey(object key, string hash)
            => new[] { new KeyPart("-Key", hash.Length > 16 ? hash.Substring(0, 16) : hash, KeyPartValue.Display("-Key", key)) };

        /// <summary>Why the lookup of <paramref name="hash"/> missed.</summary>
        public string Explain(string hash, IReadOnlyList<KeyPart> parts)
        {
            var records = new List<HistoryRecord>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var history in _histories)
            {
                foreach (var r in history.Records()) if (seen.Add(r.Hash)) records.Add(r);
            }
            records.Sort((a, b) => b.Created.CompareTo(a.Created));
            return MissExplainer.Explain(records, hash, parts, _context.Now);
        }

        /// <summary>Notes an entry just stored.</summary>
        public void Remember(string hash, string keyParts, DateTimeOffset created, DateTimeOffset? expires)
        {
            var record = new HistoryRecord(hash, created, expires, keyParts);
            foreach (var history in _histories) history.Remember(record);
        }

        /// <summary>Writes the history out (end of the call).</summary>
        public void Save()
        {
            foreach (var history in _histories) history.Save();
        }

        private static string Id(string identity)
        {
            var hash = TwatCache.Keys.KeyHasher.Fingerprint(Encoding.UTF8.GetBytes(identity));
            var sb = new StringBuilder(32);
            foreach (var b in hash) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }
    }
}
