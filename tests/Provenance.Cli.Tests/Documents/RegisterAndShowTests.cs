using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Cli.Tests.Documents;

public sealed class RegisterAndShowTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    readonly CliRunner _cli = new(registry);
    readonly string _dir = Directory.CreateTempSubdirectory("provenance-cli-").FullName;

    string WriteFile(string text, string name = "doc.txt")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task RegisteringAFileTwiceGivesTheSameDocument()
    {
        var path = WriteFile(TestDocuments.UniqueText());

        var first = await _cli.RunAsync("crawler", "register", path, "--class", "human", "--source-uri", "https://example.org/a", "--json");
        var second = await _cli.RunAsync("crawler", "register", path);

        Assert.Equal(0, first.Exit);
        var created = JsonDocument.Parse(first.Out).RootElement;
        Assert.Equal("created", created.GetProperty("status").GetString());
        Assert.Contains($"existing document {created.GetProperty("id").GetInt64()}", second.Out);
    }

    [Fact]
    public async Task ShowPrintsMetadataHistoryAndText()
    {
        var text = TestDocuments.UniqueText();
        var registered = JsonDocument.Parse((await _cli.RunAsync("crawler", "register", WriteFile(text), "--class", "synthetic", "--generator", "gpt-4o@2024-08-06", "--json")).Out).RootElement;

        var shown = await _cli.RunAsync("curator", "show", registered.GetProperty("contentHash").GetString()!, "--text");

        Assert.Equal(0, shown.Exit);
        Assert.Contains("synthetic (gpt-4o@2024-08-06)", shown.Out);
        Assert.Contains("declared", shown.Out);
        Assert.Contains(text, shown.Out);
    }

    [Fact]
    public async Task AFileThatIsNotUtf8IsRefusedWithItsOffset()
    {
        var path = Path.Combine(_dir, "latin1.txt");
        File.WriteAllBytes(path, [0x63, 0x61, 0x66, 0xE9, 0x20, 0x21]);

        var result = await _cli.RunAsync("crawler", "register", path);

        Assert.Equal(1, result.Exit);
        Assert.Contains("not valid UTF-8", result.Err);
        Assert.Contains("offset 3", result.Err);
    }

    [Fact]
    public async Task RegistryErrorsArePrintedWithTheirReason()
    {
        var result = await _cli.RunAsync("crawler", "register", WriteFile(TestDocuments.UniqueText()), "--parent", "424242:paraphrase_of");
        var badParent = await _cli.RunAsync("crawler", "register", WriteFile(TestDocuments.UniqueText()), "--parent", "nonsense");
        var forbidden = await _cli.RunAsync("crawler", "stats");

        Assert.Equal(1, result.Exit);
        Assert.Contains("424242 is not a registered document", result.Err);
        Assert.Contains("[unknown_parent]", result.Err);
        Assert.Contains("is not REF:RELATION", badParent.Err);
        Assert.Contains("has the role crawler", forbidden.Err);
    }

    [Fact]
    public async Task ShowEscapesControlCharactersStoredInMetadataAndText()
    {
        // Texts may hold control characters; metadata could before the registry refused them, so one is written directly.
        var text = TestDocuments.UniqueText() + " \u001b]0;owned\u0007 and \u009b2J";
        var registered = JsonDocument.Parse((await _cli.RunAsync("crawler", "register", WriteFile(text), "--json")).Out).RootElement;
        var id = registered.GetProperty("id").GetInt64();
        await registry.ScalarAsync<int>("UPDATE documents SET licence = @licence WHERE id = @id RETURNING 1",
            ("licence", "CC0\u001b[2J\u001b[H"), ("id", id));

        var shown = await _cli.RunAsync("curator", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--text");

        Assert.Equal(0, shown.Exit);
        Assert.DoesNotContain(shown.Out, c => char.IsControl(c) && c is not ('\n' or '\r'));
        Assert.Contains("CC0\\u001B[2J\\u001B[H", shown.Out);
        Assert.Contains("\\u001B]0;owned\\u0007 and \\u009B2J", shown.Out);
    }

    [Fact]
    public async Task FindListsDocumentsByAPhraseAndPagesOn()
    {
        var word = $"w{Guid.NewGuid():N}";
        await _cli.RunAsync("crawler", "register", WriteFile($"First text about {word} here.", "a.txt"), "--source-uri", "https://example.org/find-a");
        var second = JsonDocument.Parse((await _cli.RunAsync("crawler", "register", WriteFile($"Second text about {word} here.", "b.txt"), "--json")).Out)
            .RootElement.GetProperty("id").GetInt64();
        await registry.IndexSearchAsync();

        var first = await _cli.RunAsync("curator", "find", $"about {word}", "--limit", "1");
        var json = JsonDocument.Parse((await _cli.RunAsync("curator", "find", $"\"second text about {word}\"", "--json")).Out).RootElement;
        var forbidden = await _cli.RunAsync("crawler", "find", word);

        Assert.Equal(0, first.Exit);
        Assert.Contains("1 document(s) found by text", first.Out);
        Assert.Contains($"│ {second} ", first.Out);
        Assert.Contains("--cursor", first.Out);
        Assert.Equal("text", json.GetProperty("kind").GetString());
        Assert.Single(json.GetProperty("items").EnumerateArray());
        Assert.Equal(1, forbidden.Exit);
        Assert.Contains("has the role crawler", forbidden.Err);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
