using Provenance.Domain.Generators;

namespace Provenance.Domain.Tests.Generators;

public class GeneratorNameTests
{
    [Theory]
    [InlineData("gpt-4o@2024-08-06", "gpt-4o", "2024-08-06")]
    [InlineData("llama-3-8b", "llama-3-8b", "")]
    [InlineData("org/model@v1@rc2", "org/model@v1", "rc2")]
    public void NamesAndVersionsAreSplitAtTheLastAt(string text, string name, string version)
    {
        Assert.True(GeneratorName.TryParse(text, out var g, out _));
        Assert.Equal((name, version), (g.Name, g.Version));
        Assert.Equal(text, g.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("@1")]
    [InlineData("model@")]
    [InlineData("tab\tname@1")]
    public void MalformedNamesAreRefused(string text) => Assert.False(GeneratorName.TryParse(text, out _, out _));
}
