using System;
using System.Collections.Generic;
using StackExchange.Redis;

namespace TwatCache.Engines.Redis
{
    /// <summary>
    /// Maps a <see cref="CacheEntry"/> to the Redis hash that holds it: the payload and the metadata side by
    /// side, so listings and stats read the small fields without the payload. Times are UTC ticks.
    /// </summary>
    internal static class RedisEntryCodec
    {
        public const string Payload = "payload";
        public const string Format = "fmt";
        public const string Created = "created";
        public const string Expires = "expires";
        public const string Sliding = "sliding";
        public const string Access = "access";
        public const string Hits = "hits";
        public const string Size = "size";
        public const string Label = "label";
        public const string Stale = "stale";
        public const string Tags = "tags";
        public const string Cap = "cap";
        public const string WriteSequence = "wseq";
        public const string AccessSequence = "aseq";
        public const string KeyParts = "kparts";

        // Tags are joined with the ASCII unit separator, which tag validation keeps out of tags.
        private const char TagSeparator = '\u001f';

        /// <summary>The metadata fields, in the order <see cref="FromMetadata"/> reads them.</summary>
        public static readonly RedisValue[] MetadataFields =
        {
            Format, Created, Expires, Sliding, Access, Hits, Size, Label, Stale, Tags, Cap, WriteSequence, AccessSequence, KeyParts,
        };

        /// <summary>Every field of an entry (payload included), for a write.</summary>
        public static HashEntry[] ToHash(CacheEntry e) => new[]
        {
            new HashEntry(Payload, e.Payload ?? Array.Empty<byte>()),
            new HashEntry(Format, e.Format),
            new HashEntry(Created, e.Created.UtcTicks),
            new HashEntry(Expires, EntryTimes.OptionalTicks(e.Expires)),
            new HashEntry(Sliding, EntryTimes.WindowTicks(e.Sliding)),
            new HashEntry(Access, e.LastAccess.UtcTicks),
            new HashEntry(Hits, e.Hits),
            new HashEntry(Size, e.SizeBytes),
            new HashEntry(Label, e.Label ?? string.Empty),
            new HashEntry(Stale, EntryTimes.OptionalTicks(e.StaleUntil)),
            new HashEntry(Tags, JoinTags(e.Tags)),
            new HashEntry(Cap, EntryTimes.OptionalTicks(e.AbsoluteExpires)),
            new HashEntry(WriteSequence, e.WriteSequence),
            new HashEntry(AccessSequence, e.AccessSequence),
            new HashEntry(KeyParts, e.KeyParts ?? string.Empty),
        };

        /// <summary>The stored form of a tag list.</summary>
        public static string JoinTags(IReadOnlyList<string> tags) => string.Join(TagSeparator.ToString(), tags);

        /// <summary>Reads the stored form of a tag list (null or empty: no tags).</summary>
        public static string[] SplitTags(RedisValue stored)
            => stored.IsNullOrEmpty ? Array.Empty<string>() : ((string)stored!).Split(TagSeparator);

        /// <summary>An entry from HGETALL; null when the hash is empty or has no payload (a damaged or foreign key).</summary>
        public static CacheEntry? FromHash(string key, HashEntry[] fields)
        {
            if (fields.Length == 0) return null;
            var map = new Dictionary<string, RedisValue>(StringComparer.Ordinal);
            foreach (var f in fields) map[f.Name!] = f.Value;
            if (!map.TryGetValue(Payload, out var payload) || payload.IsNull) return null;
            var entry = Build(key, name => map.TryGetValue(name, out var v) ? v : RedisValue.Null);
            entry.Payload = (byte[]?)payload;
            return entry;
        }

        /// <summary>Metadata from HMGET of <see cref="MetadataFields"/>; null when the key vanished meanwhile.</summary>
        public static CacheEntry? FromMetadata(string key, RedisValue[] values)
        {
            if (values.Length != MetadataFields.Length || values[0].IsNull) return null;
            return Build(key, name => values[Array.IndexOf(MetadataFields, (RedisValue)name)]);
        }

        private static CacheEntry Build(string key, Func<string, RedisValue> field)
        {
            long expires = Long(field(Expires));
            long sliding = Long(field(Sliding));
            long stale = Long(field(Stale));
            long cap = Long(field(Cap));
            return new CacheEntry(key)
            {
                Format = (int)Long(field(Format)),
                Created = Time(Long(field(Created))),
                Expires = expires == 0 ? (DateTimeOffset?)null : Time(expires),
                Sliding = EntryTimes.WindowFromTicks(sliding),
                LastAccess = Time(Long(field(Access))),
                Hits = Long(field(Hits)),
                SizeBytes = Long(field(Size)),
                Label = field(Label).IsNull ? null : (string?)field(Label),
                StaleUntil = stale == 0 ? (DateTimeOffset?)null : Time(stale),
                Tags = SplitTags(field(Tags)),
                AbsoluteExpires = cap == 0 ? (DateTimeOffset?)null : Time(cap),
                WriteSequence = Long(field(WriteSequence)),
                AccessSequence = Long(field(AccessSequence)),
                // Entries written before key parts were recorded have no such field.
                KeyParts = field(KeyParts).IsNullOrEmpty ? null : (string?)field(KeyParts),
            };
        }

        // Fields written by hand (redis-cli) may be missing or not numbers: read them as 0, never throw.
        private static long Long(RedisValue v) => !v.IsNull && long.TryParse((string?)v, out var n) ? n : 0L;

        // A set time field that is out of range reads as long ago (expired), never as "none".
        private static DateTimeOffset Time(long ticks) => EntryTimes.OptionalFromTicks(ticks) ?? DateTimeOffset.MinValue;
    }
}
