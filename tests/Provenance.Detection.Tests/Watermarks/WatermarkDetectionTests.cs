using System.Net.Http.Headers;
using Provenance.Contracts.Documents;
using Provenance.Detection.Watermarks;
using Provenance.Testing;

namespace Provenance.Detection.Tests.Watermarks;

/// <summary>
/// The registry as the run command starts it, with one generator's watermark configured (its key from the environment,
/// as a secret is given): the detector in the API finds the watermark in text the test watermarked itself and records a
/// detector assertion naming the scheme and z, which decides the class; human text gets the model's verdict only.
/// </summary>
public sealed class WatermarkDetectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    string _database = "";
    ApiProcess? _api;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync("provenance_watermark");
        _api = await ApiProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:Registry"] = _database,
            ["Database:MigrateOnStartup"] = "true",
            ["PROVENANCE_ADMIN_KEY"] = RegistryFixture.AdminKey,
            ["Watermarks:Schemes:0:Scheme"] = KirchenbauerWatermark.Name,
            ["Watermarks:Schemes:0:Generator"] = WatermarkedText.Generator.ToString(),
            ["Watermarks:Schemes:0:Key"] = WatermarkedText.Key,
            ["Watermarks:Schemes:0:Gamma"] = "0.25",
            ["Watermarks:Schemes:0:ZThreshold"] = "4",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
        await TestDatabase.DropAsync(_database);
    }

    HttpClient Admin()
    {
        var client = new HttpClient { BaseAddress = _api!.Url, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("X-Api-Key", RegistryFixture.AdminKey);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    [Fact]
    public async Task WatermarkedTextGetsADetectorAssertionNamingTheSchemeAndZAndHumanTextGetsNone()
    {
        using var client = Admin();
        var watermarked = WatermarkedText.Generate(WatermarkedText.Check(), 200, seed: 11);
        var human = WatermarkedText.HumanTexts().Take(3);

        var marked = await client.RegisterAsync(watermarked);
        var people = new List<long>();
        foreach (var text in human)
        {
            people.Add((await client.RegisterAsync(text)).Id);
        }

        var doc = await client.WaitForDetectorAsync(marked.Id, () => _api!.Log);
        var watermark = Assert.Single(doc.Assertions, a => a.AssertedBy == "watermark:kirchenbauer");
        var evidence = watermark.Evidence!.Value;
        output.WriteLine($"watermarked document {doc.Id}: {evidence}");
        Assert.Equal("detector", watermark.Kind);
        Assert.Equal("synthetic", watermark.Class);
        Assert.Equal(WatermarkedText.Generator.ToString(), watermark.Generator);
        Assert.Equal("kirchenbauer", evidence.GetProperty("scheme").GetString());
        Assert.True(evidence.GetProperty("z").GetDouble() >= 4, $"z = {evidence.GetProperty("z")}");
        Assert.InRange(watermark.Confidence!.Value, 0.9999, 1);
        Assert.True(watermark.Effective, "the watermark, recorded after the model's verdict in the same round, decides");
        Assert.Equal(("synthetic", WatermarkedText.Generator.ToString()), (doc.Class, doc.Generator));
        Assert.DoesNotContain(WatermarkedText.Key, evidence.ToString(), StringComparison.Ordinal);
        foreach (var id in people)
        {
            var person = await client.WaitForDetectorAsync(id, () => _api!.Log);
            Assert.DoesNotContain(person.Assertions, a => a.AssertedBy.StartsWith("watermark:", StringComparison.Ordinal));
            Assert.Single(person.Assertions, a => a.Kind == "detector");
        }
        Assert.DoesNotContain(WatermarkedText.Key, _api!.Log, StringComparison.Ordinal);
    }
}
