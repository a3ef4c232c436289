using System.Text.Json;

namespace Provenance.Domain.Tests;

public class StoredValuesTests
{
    [Theory]
    [InlineData("CC-BY-4.0")]
    [InlineData("Licence libre, version 2 — ©")]
    [InlineData("emoji \U0001F600 pair")]
    public void PrintableLinesAreStorable(string value) => Assert.Null(StoredValues.Line("licence", value));

    [Theory]
    [InlineData("a\0b", "NUL character at position 1")]
    [InlineData("\u001b[31mred", "control character U+001B at position 0")]
    [InlineData("bell\u0007", "control character U+0007 at position 4")]
    [InlineData("del\u007f", "control character U+007F at position 3")]
    [InlineData("c1\u009b31m", "control character U+009B at position 2")]
    [InlineData("two\nlines", "control character U+000A at position 3")]
    public void LinesWithWhatPostgreSqlRefusesOrControlCharactersAreRefusedNamingTheField(string value, string reason)
    {
        var error = StoredValues.Line("parents[1].paramsHash", value);

        Assert.NotNull(error);
        Assert.StartsWith("parents[1].paramsHash ", error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void UnpairedSurrogatesAreRefused()
    {
        // Built here, not in attributes: an attribute's strings are stored as UTF-8, which cannot hold them.
        var high = "a" + (char)0xD800 + "b";
        var low = "ab" + (char)0xDC00;

        Assert.Contains("licence is not valid Unicode: an unpaired surrogate at position 1", StoredValues.Line("licence", high));
        Assert.Contains("unpaired surrogate at position 2", StoredValues.Line("licence", low));
        Assert.Contains("unpaired surrogate at position 1", StoredValues.FreeText("note", high));
    }

    [Fact]
    public void FreeTextKeepsTabsAndLineBreaksButNoOtherControlCharacters()
    {
        Assert.Null(StoredValues.FreeText("note", "first line\n\tsecond\r\nthird"));
        Assert.Contains("U+001B", StoredValues.FreeText("note", "see \u001b]8;;https://evil.example\u0007here"));
        Assert.Contains("NUL", StoredValues.FreeText("note", "nul\0"));
    }

    [Theory]
    [InlineData("""{"source": "a review", "score": 0.75, "tags": ["x", {"deep": [1, -0, 1.5e300, 1e-300]}], "ok": true, "none": null}""")]
    [InlineData("""{"tiny": 0.000000000000000000000000000001, "big": 123456789012345678901234567890}""")]
    public void JsonThatJsonbCanHoldPasses(string json) => Assert.Null(StoredValues.Json("evidence", Parse(json)));

    [Theory]
    [InlineData("""{"a": "nul \u0000 here"}""", "evidence.a contains a NUL")]
    [InlineData("""{"a": ["x", "half \ud800 pair"]}""", "evidence.a[1] has an unpaired surrogate")]
    [InlineData("""{"bad \ud800 key": 1}""", "evidence has a member name with an unpaired surrogate")]
    [InlineData("""{"nul\u0000key": 1}""", "a member name of evidence contains a NUL")]
    [InlineData("""{"n": 1e400}""", "evidence.n is the number 1e400")]
    [InlineData("""{"n": -1e400}""", "within ±1.7e308")]
    [InlineData("""{"n": 1e-5000}""", "evidence.n is the number 1e-5000")]
    [InlineData("""{"n": 1e99999999999}""", "evidence.n is the number")]
    public void JsonThatJsonbRefusesIsRefusedWithItsPath(string json, string reason) =>
        Assert.Contains(reason, StoredValues.Json("evidence", Parse(json)));

    [Fact]
    public void ANumberWithMoreThanAThousandDecimalsIsRefused()
    {
        var longest = "0." + new string('1', StoredValues.MaxJsonNumberScale);

        Assert.Null(StoredValues.Json("evidence", Parse($$"""{"n": {{longest}}}""")));
        Assert.NotNull(StoredValues.Json("evidence", Parse($$"""{"n": {{longest}}1}""")));
    }

    static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;
}
