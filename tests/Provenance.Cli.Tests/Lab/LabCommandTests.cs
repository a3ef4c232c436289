using Provenance.Testing;

namespace Provenance.Cli.Tests.Lab;

/// <summary>What <c>provenance lab collapse</c> refuses before it touches the registry; the lab itself is tested in Provenance.Lab.Tests.</summary>
public sealed class LabCommandTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    readonly CliRunner _cli = new(registry);
    readonly string _corpus = Path.Combine(Directory.CreateTempSubdirectory("provenance-cli-lab-").FullName, "human.jsonl");

    [Fact]
    public async Task WithoutABrokerTheLabSaysThatItRegistersOverTheBus()
    {
        await File.WriteAllTextAsync(_corpus, """{"text": "a human sentence"}""" + "\n");
        var previous = Environment.GetEnvironmentVariable("PROVENANCE_BROKER");
        Environment.SetEnvironmentVariable("PROVENANCE_BROKER", null);
        try
        {
            var (exit, _, err) = await _cli.RunAsync("admin", "lab", "collapse", "--human", _corpus);

            Assert.Equal(1, exit);
            Assert.Contains("registers its documents over the message bus: pass --broker", err);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PROVENANCE_BROKER", previous);
        }
    }

    [Theory]
    [InlineData("--policies", "replace,forget", "'forget' is not one of replace, accumulate, anchored")]
    [InlineData("--generations", "0", "--generations 1..100")]
    public async Task ABadOptionIsNamed(string option, string value, string expected)
    {
        var (exit, _, err) = await _cli.RunAsync("admin", "lab", "collapse", "--human", _corpus, option, value);

        Assert.Equal(1, exit);
        Assert.Contains(expected, err);
    }

    [Fact]
    public async Task ACorpusTooSmallForThePoolAndTheTestSetIsRefusedWithTheNumbers()
    {
        await File.WriteAllLinesAsync(_corpus, Enumerable.Range(0, 30).Select(i => $$"""{"text": "human document {{i}}", "label": "human"}""")
            .Append("""{"text": "written by a model", "label": "synthetic"}"""));

        var (exit, _, err) = await _cli.RunAsync("admin", "lab", "collapse", "--human", _corpus, "--broker", "amqp://guest:guest@127.0.0.1:1/",
            "--pool", "20", "--test", "20");

        Assert.Equal(1, exit);
        Assert.Contains("the corpus has 30 distinct human documents; the lab needs 20 for the pool and 20 for the test set", err);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_corpus)!, recursive: true);
}
