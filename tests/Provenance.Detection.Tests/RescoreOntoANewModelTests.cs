using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Contracts.Documents;
using Provenance.Detector.Scoring;
using Provenance.Testing;

namespace Provenance.Detection.Tests;

/// <summary>
/// A registry scored by provenance-detector 1.0.0 moves onto the current model with a rescore: human texts that 1.0.0
/// called machine-written return to unknown or human. Both models run for real, in the API as the run command starts
/// it; 1.0.0 is kept under Fixtures/ for this test only.
/// </summary>
public sealed class RescoreOntoANewModelTests : IAsyncLifetime
{
    static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    string _database = "";

    public async ValueTask InitializeAsync() => _database = await TestDatabase.CreateAsync("provenance_rescore");

    public async ValueTask DisposeAsync() => await TestDatabase.DropAsync(_database);

    /// <summary>Public-domain passages written by people (Lincoln, Dickens, Austen, Darwin, Twain...).</summary>
    static IReadOnlyList<string> HumanTexts() =>
        [.. File.ReadLines(Path.Combine(Fixtures, "public-domain-human.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)];

    Task<ApiProcess> StartApiAsync(string? modelPath)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = _database,
            ["Database:MigrateOnStartup"] = "true",
            ["PROVENANCE_ADMIN_KEY"] = RegistryFixture.AdminKey,
        };
        if (modelPath is not null)
        {
            settings["Detector:ModelPath"] = modelPath;
        }
        return ApiProcess.StartAsync(settings);
    }

    static HttpClient Admin(ApiProcess api)
    {
        var client = new HttpClient { BaseAddress = api.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", RegistryFixture.AdminKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    [Fact]
    public async Task HumanTextsThatOneZeroZeroCalledMachineWrittenReturnToUnknownOrHumanWhenTheCurrentModelRescoresThem()
    {
        const string oldModel = "provenance-detector@1.0.0";
        var current = DefaultModel.Manifest.ModelId;
        Assert.NotEqual(oldModel, current);
        var texts = HumanTexts();
        List<long> flagged;
        await using (var old = await StartApiAsync(Path.Combine(Fixtures, "provenance-detector-1.0.0.onnx")))
        {
            using var client = Admin(old);
            var ids = new List<long>();
            foreach (var text in texts)
            {
                ids.Add((await client.RegisterAsync(text)).Id);
            }
            var verdicts = new List<DocumentResponse>();
            foreach (var id in ids)
            {
                verdicts.Add(await client.WaitForDetectorAsync(id, () => old.Log, oldModel));
            }
            flagged = [.. verdicts.Where(d => d.Class is "synthetic" or "mixed").Select(d => d.Id)];
        }
        // 1.0.0 calls 4 of these 10 human passages machine-written or mixed (Walden, Darwin, Huckleberry Finn, the Declaration).
        Assert.NotEmpty(flagged);

        await using var api = await StartApiAsync(null);
        using var admin = Admin(api);
        var rescore = await admin.PostAsJsonAsync("/v1/detection/requests", new { scope = "rescore", model = current });

        Assert.Equal(HttpStatusCode.Accepted, rescore.StatusCode);
        foreach (var id in flagged)
        {
            var doc = await admin.WaitForDetectorAsync(id, () => api.Log, current);
            var history = doc.Assertions.Where(a => a.Kind == "detector").ToList();
            var told = string.Join("; ", history.Select(a => $"{a.AssertedBy} {a.Class} at {a.AssertedAt:O} #{a.Id} effective={a.Effective}"));
            Assert.True(doc.Class is "unknown" or "human", $"document {id} is {doc.Class} after the rescore: {told}");
            Assert.Contains(history, a => a.AssertedBy == oldModel && a.Class is "synthetic" or "mixed" && !a.Effective);
            // An abstention decides nothing (no assertion is effective); a human verdict decides.
            var latest = history.Single(a => a.AssertedBy == current);
            Assert.Equal(latest.Class == "human", latest.Effective);
        }
    }
}
