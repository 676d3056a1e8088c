using System;

namespace TwatCache.Serialization
{
    /// <summary>
    /// Turns values into payload bytes for persistent engines and back. Each serializer has its own
    /// <see cref="FormatId"/>, stored with every entry: a reader of another format treats the entry as a miss.
    /// </summary>
    public interface ICacheSerializer
    {
        /// <summary>Stored with every payload (1 = JSON, 2 = CliXml; others free for plug-ins).</summary>
        int FormatId { get; }

        /// <summary>Human name of the format.</summary>
        string Name { get; }

        /// <summary>Serializes <paramref name="value"/> declared as <paramref name="type"/>.</summary>
        byte[] Serialize(object? value, Type type);

        /// <summary>Reads a payload written by <see cref="Serialize"/> as <paramref name="type"/>.</summary>
        object? Deserialize(byte[] payload, Type type);
    }
}
