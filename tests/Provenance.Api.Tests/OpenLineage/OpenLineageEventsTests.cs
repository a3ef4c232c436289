using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Provenance.Contracts.Datasets;
using Provenance.Testing;

namespace Provenance.Api.Tests.OpenLineage;

/// <summary>The API with OpenLineage on, sending to a real receiver that the tests stop and start.</summary>
public sealed class OpenLineageFixture : ReceivingRegistryFixture<LineageReceiver>
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OpenLineage:Url"] = Receiver.Url,
        ["OpenLineage:SourceUrl"] = "https://git.example.org/provenance/raw/v1.0.0",
        // Short enough that a test sees the sender notice the receiver gone and come back within a second or two.
        ["OpenLineage:PollInterval"] = "00:00:00.100",
        ["OpenLineage:MinRetryDelay"] = "00:00:00.200",
        ["OpenLineage:MaxRetryDelay"] = "00:00:01",
        ["OpenLineage:Timeout"] = "00:00:02",
    };
}

public sealed class OpenLineageEventsTests(OpenLineageFixture registry, ITestOutputHelper output) : IClassFixture<OpenLineageFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _trainer = registry.Client("trainer");

    Task<long> UnsentAsync() => registry.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE sent_at IS NULL");

    static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task EveryAssemblyReachesAReceiverThatRestartsMidRunAsOneStartAndOneEndValidAgainstTheSchemas()
    {
        try
        {
            await RunAsync();
        }
        catch
        {
            output.WriteLine(registry.Log.Text);
            throw;
        }
    }

    async Task RunAsync()
    {
        var schemas = OpenLineageSchemas.Load();
        var domain = DatasetRequests.NewDomain();
        var humans = await _crawler.RegisterAsync(domain, "human", 12);
        await _crawler.RegisterAsync(domain, "synthetic", 4, "writer-a@1", i => [new(humans[i].Id, Relation: "paraphrase_of")]);
        var dataset = $"lineage-{Guid.NewGuid():N}"[..20];

        var v1 = await _trainer.AssembleAsync(DatasetRequests.Spec(dataset, domain, 8, minHuman: 0.75));
        await WaitForAsync(async () => await UnsentAsync() == 0, "the first run's events are delivered");
        await registry.Receiver.StopAsync();
        var again = await _trainer.AssembleAsync(DatasetRequests.Spec(dataset, domain, 8, minHuman: 0.75));
        var v2 = await _trainer.AssembleAsync(DatasetRequests.Spec(dataset, domain, 14, minHuman: 0.7, baseRef: v1.Ref));
        var refused = await _trainer.PostAsJsonAsync("/v1/datasets", DatasetRequests.Spec(dataset, domain, 1_000, minHuman: 0.9));
        await WaitForAsync(async () => await registry.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND last_error IS NOT NULL") > 0, "a send fails while the receiver is down");
        var waitingWhileDown = await UnsentAsync();
        await registry.Receiver.StartAsync();
        await WaitForAsync(async () => await UnsentAsync() == 0, "every event is delivered after the restart");

        var events = registry.Receiver.Events;
        var runs = events.GroupBy(e => e.GetProperty("run").GetProperty("runId").GetString()!).ToList();
        Assert.Equal((2, "existing", "created"), (v2.Version, again.Status, v2.Status));
        Assert.False(refused.IsSuccessStatusCode);
        Assert.Equal(6, waitingWhileDown);
        Assert.Equal(8, events.Count);
        Assert.Equal(4, runs.Count);
        Assert.All(runs, run => Assert.Equal(["START", run.Count(e => Type(e) == "FAIL") == 1 ? "FAIL" : "COMPLETE"], run.Select(Type)));
        Assert.All(events, e => Assert.Empty(schemas.Check(e)));
        Assert.All(events, e => Assert.Equal(("provenance", $"assemble.{dataset}"), (e.GetProperty("job").GetProperty("namespace").GetString(),
            e.GetProperty("job").GetProperty("name").GetString())));
        var complete = events.Single(e => Type(e) == "COMPLETE" && Version(e.GetProperty("outputs")[0]) == "2");
        var input = complete.GetProperty("inputs").EnumerateArray().Single();
        var produced = complete.GetProperty("outputs").EnumerateArray().Single();
        var composition = produced.GetProperty("facets").GetProperty("provenance_composition");
        Assert.Equal((dataset, "1"), (input.GetProperty("name").GetString(), Version(input)));
        Assert.Equal((dataset, "2"), (produced.GetProperty("name").GetString(), Version(produced)));
        Assert.Equal(14, produced.GetProperty("outputFacets").GetProperty("outputStatistics").GetProperty("rowCount").GetInt64());
        Assert.Equal(v2.ManifestHash, composition.GetProperty("manifestHash").GetString());
        Assert.Equal(v2.Manifest.CollapseRisk.HumanShare, composition.GetProperty("classes").GetProperty("human").GetProperty("share").GetDouble(), 9);
        Assert.Equal("https://git.example.org/provenance/raw/v1.0.0/docs/openlineage/ProvenanceCompositionDatasetFacet.json#/$defs/ProvenanceCompositionDatasetFacet",
            composition.GetProperty("_schemaURL").GetString());
        Assert.Contains("missing", events.Single(e => Type(e) == "FAIL").GetProperty("run").GetProperty("facets").GetProperty("errorMessage")
            .GetProperty("message").GetString());
        Assert.NotEmpty(schemas.Check(Broken(complete, e => e["run"]!["runId"] = "not-a-uuid")));
        Assert.NotEmpty(schemas.Check(Broken(complete, e => e["outputs"]![0]!["facets"]!["provenance_composition"]!["classes"]!["human"]!["share"] = 1.5)));
        Assert.NotEmpty(schemas.Check(Broken(complete, e => e["outputs"]![0]!["facets"]!["version"]!.AsObject().Remove("datasetVersion"))));
        var start = events.Single(e => Type(e) == "START" && RunId(e) == RunId(complete));
        var indented = new JsonSerializerOptions { WriteIndented = true };
        output.WriteLine($"START:\n{JsonSerializer.Serialize(start, indented)}\nCOMPLETE:\n{JsonSerializer.Serialize(complete, indented)}");
    }

    /// <summary>A copy of <paramref name="e"/> with one thing wrong, to show that the checks would notice.</summary>
    static JsonElement Broken(JsonElement e, Action<JsonNode> breakIt)
    {
        var copy = JsonNode.Parse(e.GetRawText())!;
        breakIt(copy);
        return JsonDocument.Parse(copy.ToJsonString()).RootElement;
    }

    static string Type(JsonElement e) => e.GetProperty("eventType").GetString()!;

    static string RunId(JsonElement e) => e.GetProperty("run").GetProperty("runId").GetString()!;

    static string? Version(JsonElement dataset) =>
        dataset.GetProperty("facets").TryGetProperty("version", out var v) ? v.GetProperty("datasetVersion").GetString() : null;
}
