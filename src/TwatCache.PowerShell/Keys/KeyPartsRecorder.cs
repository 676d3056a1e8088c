using System;
using System.Collections.Generic;
using TwatCache.Keys;

namespace TwatCache.PowerShell.Keys
{
    /// <summary>
    /// Notes where each named part of a key starts and ends in the canonical bytes while
    /// <see cref="InvocationKey"/> writes them, so the parts can be hashed one by one afterwards.
    /// Recording reads positions only: the key bytes are the same with or without a recorder.
    /// </summary>
    internal sealed class KeyPartsRecorder
    {
        private readonly List<Slice> _slices = new List<Slice>();
        private readonly CanonicalKeyWriter _writer;
        private Slice? _open;

        public KeyPartsRecorder(CanonicalKeyWriter writer) => _writer = writer;

        /// <summary>Starts the part <paramref name="name"/> at the writer's position.</summary>
        public void Begin(string name, object? value = null, bool showValue = false)
        {
            _open = new Slice(name, _writer.Length, value, showValue);
        }

        /// <summary>Starts the part <paramref name="name"/> whose value text is <paramref name="text"/> as given (null: none).</summary>
        public void BeginWithText(string name, string? text)
        {
            _open = new Slice(name, _writer.Length, text, showValue: false) { Text = text };
        }

        /// <summary>Ends the part begun last at the writer's position.</summary>
        public void End()
        {
            if (_open == null) return;
            _open.End = _writer.Length;
            _slices.Add(_open);
            _open = null;
        }

        /// <summary>The parts of <paramref name="canonical"/>, each hashed with <paramref name="hash"/>.</summary>
        public List<KeyPart> Finish(byte[] canonical, Func<byte[], string> hash)
        {
            var parts = new List<KeyPart>(_slices.Count);
            foreach (var s in _slices)
            {
                int length = (int)(s.End - s.Start);
                var bytes = new byte[length];
                Buffer.BlockCopy(canonical, (int)s.Start, bytes, 0, length);
                // 16 hex digits tell parts apart; the full key hash is what identifies the entry.
                var h = hash(bytes);
                parts.Add(new KeyPart(s.Name, h.Length > 16 ? h.Substring(0, 16) : h, s.ShowValue ? KeyPartValue.Display(s.Name, s.Value) : s.Text));
            }
            return parts;
        }

        private sealed class Slice
        {
            public Slice(string name, long start, object? value, bool showValue)
            {
                Name = name;
                Start = start;
                Value = value;
                ShowValue = showValue;
            }

            public string Name { get; }
            public long Start { get; }
            public long End { get; set; }
            public object? Value { get; }
            public bool ShowValue { get; }
            public string? Text { get; set; }
        }
    }
}
