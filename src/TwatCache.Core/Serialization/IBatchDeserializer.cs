using System;
using System.Collections.Generic;

namespace TwatCache.Serialization
{
    /// <summary>
    /// Implemented by serializers whose fixed cost per call is a large part of reading a small payload
    /// (CliXml sets up an XML reader and a deserializer per call): reads many payloads in one call. A store's
    /// read-ahead decodes its entries in chunks this way.
    /// </summary>
    internal interface IBatchDeserializer
    {
        /// <summary>
        /// Reads each payload as <see cref="ICacheSerializer.Deserialize"/> would, answering the values in order.
        /// Throws when the batch cannot be read as one; the caller then reads the payloads one by one.
        /// </summary>
        object?[] DeserializeMany(IReadOnlyList<byte[]> payloads, Type type);
    }
}
