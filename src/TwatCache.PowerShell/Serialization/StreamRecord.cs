using System;
using System.Collections.Generic;
using System.Management.Automation;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// A warning or information record (Write-Warning, Write-Information, Write-Host) a block wrote, kept by
    /// -ReplayStreams with the output: <see cref="Position"/> is how many output objects came before it, so
    /// a hit writes it where the miss did. Information keeps its message text, source and tags, and a
    /// Write-Host message its colours and -NoNewline.
    /// </summary>
    public sealed class StreamRecord
    {
        /// <summary>Creates a record.</summary>
        public StreamRecord(int position, bool isWarning, string message, string? source, IReadOnlyList<string> tags, HostInformationMessage? host)
        {
            Position = position;
            IsWarning = isWarning;
            Message = message;
            Source = source;
            Tags = tags;
            Host = host;
        }

        /// <summary>Number of output objects written before this record.</summary>
        public int Position { get; }

        /// <summary>True for a warning, false for an information record.</summary>
        public bool IsWarning { get; }

        /// <summary>The warning's message, or the information's message data as text.</summary>
        public string Message { get; }

        /// <summary>The information record's source, or null.</summary>
        public string? Source { get; }

        /// <summary>The information record's tags (PSHOST for Write-Host).</summary>
        public IReadOnlyList<string> Tags { get; }

        /// <summary>Write-Host's message with colours and -NoNewline, or null.</summary>
        public HostInformationMessage? Host { get; }

        /// <summary>The record of a warning or information record the block wrote after <paramref name="position"/> outputs; null for other objects.</summary>
        public static StreamRecord? From(object? written, int position)
        {
            var bare = written is PSObject p ? p.BaseObject : written;
            if (bare is WarningRecord warning) return new StreamRecord(position, true, warning.Message, null, Array.Empty<string>(), null);
            if (!(bare is InformationRecord info)) return null;
            var data = info.MessageData is PSObject d ? d.BaseObject : info.MessageData;
            var host = data as HostInformationMessage;
            var copy = host == null ? null : new HostInformationMessage
            {
                Message = host.Message, NoNewLine = host.NoNewLine, ForegroundColor = host.ForegroundColor, BackgroundColor = host.BackgroundColor,
            };
            return new StreamRecord(position, false, host?.Message ?? data?.ToString() ?? string.Empty, info.Source, new List<string>(info.Tags), copy);
        }

        /// <summary>Writes the record again through <paramref name="cmdlet"/>, under the caller's preferences.</summary>
        public void Replay(Cmdlet cmdlet)
        {
            if (IsWarning)
            {
                cmdlet.WriteWarning(Message);
                return;
            }
            var tags = new string[Tags.Count];
            for (int i = 0; i < tags.Length; i++) tags[i] = Tags[i];
            // Write-Host's own path (a PSHOST-tagged message) so the host shows it as Write-Host would.
            cmdlet.WriteInformation(Host != null ? Host : (object)Message, tags);
        }
    }
}
