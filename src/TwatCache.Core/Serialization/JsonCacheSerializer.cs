using System;
using System.Text.Json;

namespace TwatCache.Serialization
{
    /// <summary>The default serializer for C# callers: System.Text.Json with its default options.</summary>
    public sealed class JsonCacheSerializer : ICacheSerializer
    {
        private readonly JsonSerializerOptions _options;

        /// <summary>Creates the serializer, optionally with custom JSON options.</summary>
        public JsonCacheSerializer(JsonSerializerOptions? options = null) => _options = options ?? new JsonSerializerOptions();

        /// <summary>Format id of JSON payloads.</summary>
        public const int Id = 1;

        /// <inheritdoc />
        public int FormatId => Id;

        /// <inheritdoc />
        public string Name => "Json";

        /// <inheritdoc />
        public byte[] Serialize(object? value, Type type) => JsonSerializer.SerializeToUtf8Bytes(value, type, _options);

        /// <inheritdoc />
        public object? Deserialize(byte[] payload, Type type) => JsonSerializer.Deserialize(payload, type, _options);
    }
}
