using System;
using System.Collections.Generic;

namespace TwatCache.Contexts
{
    /// <summary>
    /// What a write or removal through a shared store made stale in other processes' memory layers: some
    /// keys, a tag, expired entries, or everything. Travels on the backplane as one text message.
    /// </summary>
    internal sealed class Invalidation
    {
        private const char Separator = '\n';

        private Invalidation(char kind, IReadOnlyList<string> args)
        {
            Kind = kind;
            Args = args;
        }

        /// <summary>'K' keys, 'T' tag, 'E' expired entries, 'C' everything.</summary>
        public char Kind { get; }

        /// <summary>The keys ('K') or the one tag ('T').</summary>
        public IReadOnlyList<string> Args { get; }

        public static Invalidation Keys(IReadOnlyList<string> hashes) => new Invalidation('K', hashes);

        public static Invalidation Tag(string normalizedTag) => new Invalidation('T', new[] { normalizedTag });

        public static readonly Invalidation Expired = new Invalidation('E', Array.Empty<string>());

        public static readonly Invalidation All = new Invalidation('C', Array.Empty<string>());

        /// <summary>The message text: sender id, kind, then the arguments, one a line (hashes and tags hold no newline).</summary>
        public string Encode(string sender)
        {
            var parts = new string[Args.Count + 2];
            parts[0] = sender;
            parts[1] = Kind.ToString();
            for (int i = 0; i < Args.Count; i++) parts[i + 2] = Args[i];
            return string.Join(Separator.ToString(), parts);
        }

        /// <summary>Reads a message; null for one that is not ours to read.</summary>
        public static Invalidation? Decode(string message, out string sender)
        {
            var parts = message.Split(Separator);
            sender = parts[0];
            if (parts.Length < 2 || parts[1].Length != 1 || "KTEC".IndexOf(parts[1][0]) < 0) return null;
            var args = new string[parts.Length - 2];
            Array.Copy(parts, 2, args, 0, args.Length);
            if (parts[1][0] == 'T' && args.Length != 1) return null;
            return new Invalidation(parts[1][0], args);
        }
    }
}
