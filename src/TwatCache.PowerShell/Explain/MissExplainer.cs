using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using TwatCache.PowerShell.Keys;

namespace TwatCache.PowerShell.Explain
{
    /// <summary>
    /// Says why a call missed, for -Verbose: compares the call's key parts with the nearest entry the same
    /// block stored in the context (see <see cref="BlockHistory"/>): the one with the fewest differing
    /// parts, the newest on a tie. Same key as a remembered entry: it expired or was removed.
    /// </summary>
    internal static class MissExplainer
    {
        private const int MaxNamed = 3;

        public static string Explain(IReadOnlyList<HistoryRecord> history, string hash, IReadOnlyList<KeyPart> parts, DateTimeOffset now)
        {
            if (history.Count == 0) return "miss: no entry for this block yet";
            var same = history.FirstOrDefault(r => r.Hash == hash);
            if (same != null)
            {
                if (same.Expires.HasValue && same.Expires.Value <= now) return $"miss: expired {Age(now - same.Expires.Value)} ago";
                return $"miss: the entry of {When(same.Created, now)} is gone (expired, cleared or evicted)";
            }
            HistoryRecord? nearest = null;
            List<string>? best = null;
            foreach (var record in history)
            {
                var diffs = Differences(KeyPartsText.Read(record.KeyParts), parts, When(record.Created, now));
                if (best == null || diffs.Count < best.Count)
                {
                    best = diffs;
                    nearest = record;
                }
            }
            if (best!.Count == 0) return $"miss: the key differs from the entry of {When(nearest!.Created, now)} in a part it did not record";
            var named = best.Take(MaxNamed).ToList();
            var more = best.Count > MaxNamed ? $"; and {best.Count - MaxNamed} more" : string.Empty;
            return "miss: " + string.Join("; ", named) + more;
        }

        private static List<string> Differences(List<KeyPart> stored, IReadOnlyList<KeyPart> current, string when)
        {
            var diffs = new List<string>();
            var old = new Dictionary<string, KeyPart>(StringComparer.Ordinal);
            foreach (var p in stored) old[p.Name] = p;
            foreach (var p in current)
            {
                if (!old.TryGetValue(p.Name, out var before))
                {
                    diffs.Add(p.Name.StartsWith("file ", StringComparison.Ordinal) ? $"{p.Name} is new since the entry of {when}" : $"{p.Name} was not part of the entry of {when}");
                    continue;
                }
                old.Remove(p.Name);
                if (before.Hash == p.Hash) continue;
                diffs.Add(Changed(p.Name, before.Value, p.Value, when));
            }
            foreach (var gone in old.Values)
                diffs.Add(gone.Name.StartsWith("file ", StringComparison.Ordinal) ? $"{gone.Name} is gone since the entry of {when}" : $"{gone.Name} was part of the entry of {when} and is not now");
            return diffs;
        }

        private static string Changed(string name, string? before, string? now, string when)
        {
            if (name == "block text") return "the block's text changed";
            var values = before != null && now != null ? $" ({before} \u2192 {now})" : string.Empty;
            if (name.StartsWith("the other ", StringComparison.Ordinal)) return $"one of {name} changed since the entry of {when}";
            if (name.StartsWith("file ", StringComparison.Ordinal))
            {
                if (now == "missing") return $"{name} was deleted since the entry of {when}";
                if (before == "missing") return $"{name} appeared since the entry of {when}";
                return $"{name} changed since the entry of {when}";
            }
            if (name.StartsWith("$", StringComparison.Ordinal) || name == "-ArgumentList" || name == "location")
                return $"{(name == "location" ? "the location" : name)} differs from the entry of {when}{values}";
            return $"{name} changed";
        }

        // Local clock time; the date too when it was not today.
        private static string When(DateTimeOffset created, DateTimeOffset now)
        {
            var local = created.ToLocalTime();
            return local.Date == now.ToLocalTime().Date
                ? local.ToString("HH:mm", CultureInfo.InvariantCulture)
                : local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        }

        private static string Age(TimeSpan t)
        {
            if (t < TimeSpan.Zero) t = TimeSpan.Zero;
            if (t.TotalDays >= 1) return $"{(int)t.TotalDays}d";
            if (t.TotalHours >= 1) return $"{(int)t.TotalHours}h";
            if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes}m";
            return $"{(int)t.TotalSeconds}s";
        }
    }
}
