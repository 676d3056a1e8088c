using LiteDB;

namespace TwatCache.Benchmarks;

/// <summary>LiteDb engine (no memory layer) beside raw LiteDB FindById in shared mode with the same payload bytes.</summary>
public class LiteDbEngineBenchmarks : EngineBenchmarks
{
    private LiteDatabase _raw = null!;
    private ILiteCollection<BsonDocument> _docs = null!;

    protected override CacheEngineKind Engine => CacheEngineKind.LiteDb;

    protected override void SetUpRaw()
    {
        _raw = new LiteDatabase(new ConnectionString { Filename = Path.Combine(Root, "raw.tcdb"), Connection = ConnectionType.Shared });
        _docs = _raw.GetCollection("entries");
        _docs.Upsert(new BsonDocument { ["_id"] = HitKey, ["payload"] = PayloadBytes });
    }

    protected override object? RawGet(string key) => _docs.FindById(key)?["payload"].AsBinary;

    protected override void CleanUpRaw() => _raw.Dispose();
}
