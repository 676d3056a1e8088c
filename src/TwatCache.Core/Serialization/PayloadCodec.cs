using System;
using System.Collections.Generic;
using TwatCache.Diagnostics;
using TwatCache.Engines;

namespace TwatCache.Serialization
{
    /// <summary>What <see cref="PayloadCodec.TryDecode"/> found in a stored entry.</summary>
    internal enum DecodeResult
    {
        /// <summary>The value was read and is of the asked type.</summary>
        Read,
        /// <summary>Damaged, tampered or unreadable by its own format's serializer: the entry should go.</summary>
        Damaged,
        /// <summary>Sound, but not readable here (another serializer's format, or another type): a miss, the entry stays.</summary>
        Unreadable,
    }

    /// <summary>
    /// Turns values into sealed payloads (serializer, compression, envelope bound to the entry's key and
    /// signed with the store's secret) and back. One per context.
    /// </summary>
    internal sealed class PayloadCodec
    {
        private readonly ICacheSerializer _serializer;
        private readonly int _compressAbove;
        private readonly byte[]? _secret;
        private readonly ContextLog _log;

        public PayloadCodec(ICacheSerializer serializer, int compressAbove, byte[]? secret, ContextLog log)
        {
            _serializer = serializer;
            _compressAbove = compressAbove;
            _secret = secret;
            _log = log;
        }

        public ICacheSerializer Serializer => _serializer;

        /// <summary>Serializes <paramref name="value"/> into the entry's sealed payload and sets its size.</summary>
        public void Seal(CacheEntry entry, object? value, Type type)
        {
            byte[] payload;
            try
            {
                payload = _serializer.Serialize(value, type);
            }
            catch (Exception ex) when (ex is not TwatCacheException)
            {
                throw new CacheSerializationException($"The value cannot be serialized as {_serializer.Name}: {ex.Message}", ex);
            }
            entry.Payload = PayloadEnvelope.Seal(payload, _serializer.FormatId, _compressAbove, _secret, entry.Key);
            entry.SizeBytes = entry.Payload.Length;
        }

        /// <summary>
        /// Opens the envelope (version, checksum, HMAC) and deserializes. A damaged or tampered envelope, or a
        /// body this serializer cannot read, is <see cref="DecodeResult.Damaged"/>; a sound envelope of another
        /// serializer's format goes to the foreign-format reader and is kept when unreadable.
        /// </summary>
        public DecodeResult TryDecode(CacheEntry stored, Type type, out object? value)
        {
            value = null;
            if (stored.Payload == null || !PayloadEnvelope.TryOpen(stored.Payload, _secret, out var format, out var body, out _, stored.Key))
                return DecodeResult.Damaged;
            if (format != _serializer.FormatId) return TryDecodeForeign(stored.Key, format, body, type, out value);
            return TryDeserialize(body, type, out value);
        }

        private DecodeResult TryDeserialize(byte[] body, Type type, out object? value)
        {
            try
            {
                value = _serializer.Deserialize(body, type);
                return IsOfType(value, type) ? DecodeResult.Read : DecodeResult.Damaged;
            }
            catch (Exception)
            {
                // An unreadable payload (another version, damage) is a miss, never an error for the caller.
                value = null;
                return DecodeResult.Damaged;
            }
        }

        /// <summary>
        /// <see cref="TryDecode"/> for several entries, with one call to a serializer that reads many at once
        /// (<see cref="IBatchDeserializer"/>); when that call fails, each entry is read on its own, so every
        /// result is what <see cref="TryDecode"/> would answer.
        /// </summary>
        public void TryDecodeMany(IReadOnlyList<CacheEntry> stored, Type type, DecodeResult[] results, object?[] values)
        {
            var batch = _serializer as IBatchDeserializer;
            var bodies = new List<byte[]>(stored.Count);
            var at = new List<int>(stored.Count);
            for (int i = 0; i < stored.Count; i++)
            {
                var entry = stored[i];
                if (batch == null || entry.Payload == null || !PayloadEnvelope.TryOpen(entry.Payload, _secret, out var format, out var body, out _, entry.Key) || format != _serializer.FormatId)
                {
                    results[i] = TryDecode(entry, type, out values[i]);
                    continue;
                }
                bodies.Add(body);
                at.Add(i);
            }
            if (bodies.Count == 0) return;
            object?[]? read = null;
            try
            {
                read = bodies.Count > 1 ? batch!.DeserializeMany(bodies, type) : null;
            }
            catch (Exception)
            {
                // Not readable as one batch (a damaged payload among them, say): each on its own below.
            }
            for (int j = 0; j < bodies.Count; j++)
            {
                int i = at[j];
                if (read != null && read.Length == bodies.Count)
                {
                    values[i] = read[j];
                    results[i] = IsOfType(read[j], type) ? DecodeResult.Read : DecodeResult.Damaged;
                }
                else
                {
                    results[i] = TryDeserialize(bodies[j], type, out values[i]);
                }
            }
        }

        // An entry of another format belongs to a reader of its own format (C# JSON vs PowerShell CliXml sharing
        // one store): the serializer reads it when it implements IForeignFormatReader for that format; otherwise
        // it is a miss and is kept, so the two sides never evict each other.
        private DecodeResult TryDecodeForeign(string key, int format, byte[] body, Type type, out object? value)
        {
            value = null;
            if (_serializer is IForeignFormatReader reader && reader.CanRead(format))
            {
                try
                {
                    value = reader.DeserializeForeign(format, body, type);
                    return IsOfType(value, type) ? DecodeResult.Read : DecodeResult.Unreadable;
                }
                catch (Exception)
                {
                    // Readable in principle but not this payload (another shape or version): a miss, entry kept.
                }
            }
            value = null;
            _log.ForeignFormat(key, format, _serializer.FormatId);
            return DecodeResult.Unreadable;
        }

        /// <summary>True when <paramref name="value"/> can be handed out as <paramref name="type"/>.</summary>
        public static bool IsOfType(object? value, Type type)
            => value == null ? !type.IsValueType || Nullable.GetUnderlyingType(type) != null : type.IsInstanceOfType(value);
    }
}
