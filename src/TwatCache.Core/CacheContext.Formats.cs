using System;
using TwatCache.Engines;
using TwatCache.Serialization;

namespace TwatCache
{
    public sealed partial class CacheContext
    {
        /// <summary>
        /// Decodes an entry written in another format than this context's serializer. The serializer reads
        /// it when it implements <see cref="IForeignFormatReader"/> for that format; otherwise the entry is a
        /// miss and is kept: it belongs to a reader of its own format (C# JSON vs PowerShell CliXml sharing
        /// one store), so deleting it would make the two sides evict each other.
        /// </summary>
        private bool TryDecodeForeign(string key, int format, byte[] body, Type type, out object? value)
        {
            value = null;
            if (!(_serializer is IForeignFormatReader reader) || !reader.CanRead(format))
            {
                LogForeignFormat(key, format);
                return false;
            }
            try
            {
                value = reader.DeserializeForeign(format, body, type);
                return IsOfType(value, type);
            }
            catch (Exception)
            {
                // Readable in principle but not this payload (another shape or version): a miss, entry kept.
                LogForeignFormat(key, format);
                value = null;
                return false;
            }
        }
    }
}
