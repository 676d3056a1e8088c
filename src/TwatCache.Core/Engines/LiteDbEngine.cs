using System;
using System.Collections.Generic;
using System.IO;
using LiteDB;

namespace TwatCache.Engines
{
    /// <summary>
    /// Persistent engine on one LiteDB file, always opened in shared mode: several processes may use
    /// the file at once, and LiteDB on Linux can lose writes when direct and shared access mix.
    /// Documents: <c>_id</c> = hashed key, payload bytes, format, and metadata as UTC ticks (ticks
    /// avoid LiteDB's local-time conversion of dates). Expiry and last access are indexed.
    /// </summary>
    public sealed class LiteDbEngine : ICacheEngine
    {
        private const string CollectionName = "entries";
        private const long NoExpiry = long.MaxValue;
        private readonly LiteDatabase _db;
        private readonly ILiteCollection<BsonDocument> _entries;

        /// <summary>Opens (creating when missing) the database file at <paramref name="filePath"/>.</summary>
        public LiteDbEngine(string filePath)
        {
            Location = Path.GetFullPath(filePath);
            var dir = Path.GetDirectoryName(Location);
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
            try
            {
                _db = new LiteDatabase(new ConnectionString { Filename = Location, Connection = ConnectionType.Shared });
                _entries = _db.GetCollection(CollectionName);
                _entries.EnsureIndex("expires");
                _entries.EnsureIndex("access");
            }
            catch (Exception ex) when (ex is LiteException || ex is IOException || ex is UnauthorizedAccessException)
            {
                _db?.Dispose();
                throw new CacheEngineUnavailableException($"The LiteDB store '{Location}' cannot be opened: {ex.Message}", ex);
            }
        }

        /// <inheritdoc />
        public string Name => "LiteDb";

        /// <inheritdoc />
        public bool StoresObjects => false;

        /// <inheritdoc />
        public string? Location { get; }

        /// <inheritdoc />
        public CacheEntry? Get(string key, DateTimeOffset now)
        {
            var doc = _entries.FindById(key);
            if (doc == null) return null;
            var entry = FromDocument(doc, withPayload: true);
            if (entry.IsExpiredAt(now))
            {
                _entries.Delete(key);
                return null;
            }
            entry.Touch(now);
            doc["access"] = now.UtcTicks;
            doc["hits"] = entry.Hits;
            if (entry.Expires.HasValue) doc["expires"] = entry.Expires.Value.UtcTicks;
            _entries.Update(doc);
            return entry;
        }

        /// <inheritdoc />
        public void Set(CacheEntry entry)
        {
            if (entry.Payload == null) throw new ArgumentException("The LiteDb engine stores payload bytes; the entry has none.", nameof(entry));
            _entries.Upsert(ToDocument(entry));
        }

        /// <inheritdoc />
        public bool Remove(string key) => _entries.Delete(key);

        /// <inheritdoc />
        public int Clear() => _entries.DeleteAll();

        /// <inheritdoc />
        public int RemoveExpired(DateTimeOffset now) => _entries.DeleteMany(Query.LTE("expires", now.UtcTicks));

        /// <inheritdoc />
        public IReadOnlyList<CacheEntry> List()
        {
            var list = new List<CacheEntry>();
            foreach (var doc in _entries.FindAll()) list.Add(FromDocument(doc, withPayload: false));
            return list;
        }

        /// <inheritdoc />
        public StoreSummary Summarize()
        {
            long count = 0, bytes = 0;
            foreach (var doc in _entries.FindAll())
            {
                count++;
                bytes += doc["size"].AsInt64;
            }
            long fileBytes = File.Exists(Location) ? new FileInfo(Location!).Length : 0;
            return new StoreSummary(count, bytes, fileBytes);
        }

        private static BsonDocument ToDocument(CacheEntry e) => new BsonDocument
        {
            ["_id"] = e.Key,
            ["payload"] = e.Payload,
            ["fmt"] = e.Format,
            ["created"] = e.Created.UtcTicks,
            ["expires"] = e.Expires?.UtcTicks ?? NoExpiry,
            ["sliding"] = e.Sliding?.Ticks ?? 0L,
            ["access"] = e.LastAccess.UtcTicks,
            ["hits"] = e.Hits,
            ["size"] = e.SizeBytes,
            ["label"] = e.Label ?? string.Empty,
        };

        private static CacheEntry FromDocument(BsonDocument d, bool withPayload)
        {
            long expires = d["expires"].AsInt64;
            long sliding = d["sliding"].AsInt64;
            return new CacheEntry(d["_id"].AsString)
            {
                Payload = withPayload ? d["payload"].AsBinary : null,
                Format = d["fmt"].AsInt32,
                Created = new DateTimeOffset(d["created"].AsInt64, TimeSpan.Zero),
                Expires = expires == NoExpiry ? (DateTimeOffset?)null : new DateTimeOffset(expires, TimeSpan.Zero),
                Sliding = sliding == 0 ? (TimeSpan?)null : TimeSpan.FromTicks(sliding),
                LastAccess = new DateTimeOffset(d["access"].AsInt64, TimeSpan.Zero),
                Hits = d["hits"].AsInt64,
                SizeBytes = d["size"].AsInt64,
                Label = d["label"].AsString,
            };
        }

        /// <inheritdoc />
        public void Dispose() => _db.Dispose();
    }
}
