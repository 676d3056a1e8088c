using System;

namespace TwatCache.Serialization
{
    /// <summary>
    /// Implemented by a serializer that can also read payloads written in other formats (for example the
    /// PowerShell CliXml serializer reading JSON written from C#). A context whose serializer cannot read an
    /// entry's format treats it as a miss and keeps the entry for the readers that can.
    /// </summary>
    public interface IForeignFormatReader
    {
        /// <summary>True when <see cref="DeserializeForeign"/> understands payloads of <paramref name="formatId"/>.</summary>
        bool CanRead(int formatId);

        /// <summary>Reads a payload of <paramref name="formatId"/> as <paramref name="type"/>.</summary>
        object? DeserializeForeign(int formatId, byte[] payload, Type type);
    }
}
