using TwatCache.Policies;

namespace TwatCache.Core.Tests;

public class TtlParserTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("2d", 172800)]
    [InlineData("1w", 604800)]
    [InlineData("500ms", 0.5)]
    [InlineData("1.5h", 5400)]
    [InlineData("300", 300)]
    [InlineData("00:05:00", 300)]
    [InlineData("1.02:00:00", 93600)]
    [InlineData(" 10M ", 600)]
    public void Accepted_forms(string text, double seconds)
        => Assert.Equal(TimeSpan.FromSeconds(seconds), TtlParser.Parse(text));

    [Theory]
    [InlineData("1x")]
    [InlineData("-5m")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0s")]
    [InlineData("h1")]
    [InlineData("-00:05:00")]
    [InlineData("1e400")]
    public void Rejected_forms_explain_the_grammar(string text)
    {
        var ex = Assert.Throws<CacheConfigurationException>(() => TtlParser.Parse(text));
        Assert.Contains("90s", ex.Message);
        Assert.Equal("TwatCache.Configuration", ex.ErrorId);
    }
}
