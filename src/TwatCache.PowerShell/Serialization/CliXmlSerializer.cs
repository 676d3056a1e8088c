using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Security;
using System.Text;
using TwatCache.Serialization;

namespace TwatCache.PowerShell.Serialization
{
    /// <summary>
    /// Stores a block's output objects as CliXml (PowerShell's remoting format, as Export-Clixml writes),
    /// each item on its own (see <see cref="CachedOutputPayload"/>), with the run's exit code.
    /// Objects come back as <c>Deserialized.*</c> property bags. Secrets are refused: a SecureString or
    /// PSCredential anywhere in the first levels of the output is never written.
    /// </summary>
    public sealed class CliXmlSerializer : ICacheSerializer, IForeignFormatReader, IBatchDeserializer
    {
        /// <summary>Format id of CliXml payloads.</summary>
        public const int Id = 2;

        /// <summary>Creates the serializer with a depth (like Export-Clixml's -Depth, default 2).</summary>
        public CliXmlSerializer(int depth = 2) => Depth = depth;

        /// <summary>Property depth written for nested objects.</summary>
        public int Depth { get; }

        /// <inheritdoc />
        public int FormatId => Id;

        /// <inheritdoc />
        public string Name => "CliXml";

        /// <summary>
        /// Freezes a run's output for storing: refuses secrets, then keeps each mutable item as CliXml of
        /// <see cref="Depth"/> (the same bytes the store receives), so memory-layer hits hand out copies.
        /// </summary>
        public CachedOutput Freeze(IReadOnlyList<object?> items, int? exitCode)
        {
            foreach (var item in items) RefuseSecrets(item, 0);
            return CachedOutput.Freeze(items, exitCode, Depth);
        }

        /// <inheritdoc />
        public byte[] Serialize(object? value, Type type)
        {
            if (value is CachedOutput output) return CachedOutputPayload.Write(output.IsFrozen ? output : WithStreams(Freeze(output.ToArray(), output.ExitCode), output));
            RefuseSecrets(value, 0);
            return Encoding.UTF8.GetBytes(PSSerializer.Serialize(value, Depth));
        }

        private static CachedOutput WithStreams(CachedOutput frozen, CachedOutput source)
            => source.StreamsRecorded ? frozen.WithRecords(source.Records) : frozen;

        /// <inheritdoc />
        public object? Deserialize(byte[] payload, Type type)
        {
            if (type == typeof(CachedOutput))
            {
                if (CachedOutputPayload.IsCurrent(payload)) return CachedOutputPayload.Read(payload);
                // Written before exit codes were stored: the whole output list as one CliXml object.
                return CachedOutput.Freeze(ReadOutputList(payload), exitCode: null, Depth);
            }
            if (CachedOutputPayload.IsCurrent(payload))
            {
                var stored = CachedOutputPayload.Read(payload).ToArray();
                return type == typeof(object[]) || stored.Length != 1 ? stored : stored[0];
            }
            if (type == typeof(object[])) return ReadOutputList(payload);
            var objects = PSSerializer.DeserializeAsList(Encoding.UTF8.GetString(payload));
            return objects.Length == 1 ? Unwrap(objects[0]) : objects;
        }

        /// <summary>Stored results of the current format are read with one deserializer (<see cref="CachedOutputPayload.ReadMany"/>); anything else one by one.</summary>
        object?[] IBatchDeserializer.DeserializeMany(IReadOnlyList<byte[]> payloads, Type type)
        {
            bool current = type == typeof(CachedOutput);
            for (int i = 0; current && i < payloads.Count; i++) current = CachedOutputPayload.IsCurrent(payloads[i]);
            if (current) return CachedOutputPayload.ReadMany(payloads);
            var values = new object?[payloads.Count];
            for (int i = 0; i < values.Length; i++) values[i] = Deserialize(payloads[i], type);
            return values;
        }

        // The stored value of the first format is the output list itself: one top-level collection.
        private static object?[] ReadOutputList(byte[] payload)
        {
            var objects = PSSerializer.DeserializeAsList(Encoding.UTF8.GetString(payload));
            if (objects.Length == 1 && Unwrap(objects[0]) is IList list)
            {
                var items = new object?[list.Count];
                for (int i = 0; i < items.Length; i++) items[i] = DeserializedShapes.Restore(list[i]);
                return items;
            }
            return objects;
        }

        /// <summary>JSON payloads written from C# are read too (see <see cref="JsonPayloadReader"/>).</summary>
        public bool CanRead(int formatId) => formatId == JsonCacheSerializer.Id;

        /// <inheritdoc />
        public object? DeserializeForeign(int formatId, byte[] payload, Type type)
        {
            if (formatId != JsonCacheSerializer.Id) throw new NotSupportedException($"CliXml cannot read payload format {formatId}.");
            var output = JsonPayloadReader.ReadOutput(payload);
            if (type == typeof(CachedOutput)) return CachedOutput.Freeze(output, exitCode: null, Depth);
            return type == typeof(object[]) || output.Length != 1 ? output : output[0];
        }

        private static object? Unwrap(object? o) => o is PSObject p && p.BaseObject is IList ? p.BaseObject : o;

        private void RefuseSecrets(object? value, int level)
        {
            if (value == null || level > Depth + 1) return;
            var bare = value is PSObject pso ? pso.BaseObject : value;
            if (bare is SecureString || bare is PSCredential)
                throw new CacheSerializationException($"The result holds a {bare.GetType().Name}; secrets are never written to a persistent cache. Use -Engine Memory for this call, or leave the secret out of the output.");
            if (bare is string || bare.GetType().IsPrimitive) return;
            if (bare is IEnumerable items && !(bare is IDictionary))
            {
                foreach (var item in items) RefuseSecrets(item, level + 1);
                return;
            }
            if (bare is IDictionary dict)
            {
                foreach (DictionaryEntry e in dict) RefuseSecrets(e.Value, level + 1);
                return;
            }
            if (value is PSObject wrapped)
            {
                foreach (var p in wrapped.Properties)
                {
                    if (!(p is PSNoteProperty) && !(p is PSProperty)) continue;
                    object? v;
                    try { v = p.Value; } catch (Exception) { continue; }
                    RefuseSecrets(v, level + 1);
                }
            }
        }
    }
}
