using Microsoft.Extensions.Logging;
using TwatCache.Serialization;

namespace TwatCache.Core.Tests;

/// <summary>The optional ILogger, and entries written in another payload format.</summary>
public class LoggingAndFormatTests : IDisposable
{
    private readonly TempDir _dir = new();

    [Theory, MemberData(nameof(EngineKinds.Local), MemberType = typeof(EngineKinds))]
    public void Hits_and_misses_are_logged_at_debug_and_information(CacheEngineKind engine)
    {
        var log = new ListLogger();
        using var ctx = CacheContext.Create(new CacheOptions { Name = "log", Engine = engine, Root = _dir.Path, Logger = log });
        ctx.GetOrAdd("k", () => 1);
        ctx.GetOrAdd("k", () => 1);
        var hash = ctx.HashKey("k");
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Information && l.Text.Contains("miss " + hash));
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Debug && l.Text.Contains("hit " + hash));
        Assert.DoesNotContain(log.Lines, l => l.Level >= LogLevel.Warning);
    }

    [Fact]
    public void A_store_that_falls_back_to_memory_logs_a_warning()
    {
        var log = new ListLogger();
        var notADirectory = _dir.File("plain-file");
        File.WriteAllText(notADirectory, "x");
        using var ctx = CacheContext.Create(new CacheOptions { Name = "log", Engine = CacheEngineKind.Auto, Root = notADirectory, Logger = log });
        Assert.Equal("Memory", ctx.EngineName);
        var warning = Assert.Single(log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("memory only", warning.Text);
    }

    [Fact]
    public void Without_a_logger_nothing_is_required()
    {
        using var ctx = CacheContext.Create(new CacheOptions { Name = "log", Engine = CacheEngineKind.Memory });
        Assert.Equal(1, ctx.GetOrAdd("k", () => 1));
    }

    [Fact]
    public void An_entry_of_a_format_the_reader_cannot_read_is_a_miss_and_is_kept()
    {
        using (var json = Open(new JsonCacheSerializer())) json.Set("k", "written as json");
        using (var other = Open(new OtherFormat()))
        {
            Assert.False(other.TryGet<string>("k", out _));
            Assert.Equal(1, other.GetStats().Entries);
        }
        using var again = Open(new JsonCacheSerializer());
        Assert.True(again.TryGet<string>("k", out var v));
        Assert.Equal("written as json", v);
    }

    [Fact]
    public void A_serializer_that_reads_the_foreign_format_gets_the_value()
    {
        using (var json = Open(new JsonCacheSerializer())) json.Set("k", new[] { 1, 2, 3 });
        using var reader = Open(new UpperReader());
        Assert.True(reader.TryGet<string>("k", out var v));
        Assert.Equal("[1,2,3]", v);
    }

    private CacheContext Open(ICacheSerializer serializer)
        => CacheContext.Create(new CacheOptions { Name = "fmt", Engine = CacheEngineKind.LiteDb, Root = _dir.Path, Serializer = serializer });

    public void Dispose() => _dir.Dispose();

    private sealed class OtherFormat : ICacheSerializer
    {
        public int FormatId => 99;
        public string Name => "Other";
        public byte[] Serialize(object? value, Type type) => System.Text.Encoding.UTF8.GetBytes(value?.ToString() ?? "");
        public object? Deserialize(byte[] payload, Type type) => System.Text.Encoding.UTF8.GetString(payload);
    }

    /// <summary>Format 98 of its own that can also read JSON payloads, as raw text.</summary>
    private sealed class UpperReader : ICacheSerializer, IForeignFormatReader
    {
        public int FormatId => 98;
        public string Name => "Text";
        public byte[] Serialize(object? value, Type type) => System.Text.Encoding.UTF8.GetBytes(value?.ToString() ?? "");
        public object? Deserialize(byte[] payload, Type type) => System.Text.Encoding.UTF8.GetString(payload);
        public bool CanRead(int formatId) => formatId == JsonCacheSerializer.Id;
        public object? DeserializeForeign(int formatId, byte[] payload, Type type) => System.Text.Encoding.UTF8.GetString(payload);
    }

    /// <summary>A real ILogger that keeps what it is given.</summary>
    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Text)> Lines { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add((logLevel, formatter(state, exception)));
        }
    }
}
