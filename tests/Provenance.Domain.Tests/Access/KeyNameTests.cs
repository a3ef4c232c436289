using System.Globalization;
using System.Text;
using Provenance.Domain.Access;

namespace Provenance.Domain.Tests.Access;

public class KeyNameTests
{
    [Theory]
    [InlineData("crawler-commoncrawl")]
    [InlineData("curator Zoë")]
    [InlineData("トレーナー")]
    [InlineData("crawler 🕷")]
    public void PrintableNamesAreValid(string name)
    {
        Assert.True(KeyNames.IsValid(name, out var problem), problem);
    }

    [Fact]
    public void EveryControlFormatAndSeparatorCharacterIsRefused()
    {
        var refused = 0;
        for (var cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (!Rune.IsValid(cp) || Rune.GetUnicodeCategory(new Rune(cp)) is not (UnicodeCategory.Control or UnicodeCategory.Format
                    or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
            {
                continue;
            }

            var valid = KeyNames.IsValid("admin" + new Rune(cp), out var problem);

            Assert.False(valid, $"U+{cp:X4} was accepted");
            Assert.Contains($"U+{cp:X4}", problem);
            refused++;
        }
        Assert.True(refused > 150, $"only {refused} characters were checked");
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void EmptyNamesAreRefused(string? name)
    {
        Assert.False(KeyNames.IsValid(name, out var problem));
        Assert.StartsWith("name ", problem);
    }

    [Fact]
    public void NamesOverTheLimitAreRefused()
    {
        Assert.True(KeyNames.IsValid(new string('a', KeyNames.MaxLength), out _));
        Assert.False(KeyNames.IsValid(new string('a', KeyNames.MaxLength + 1), out _));
    }
}
