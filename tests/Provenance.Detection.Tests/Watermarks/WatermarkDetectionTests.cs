using System.Net.Http.Headers;
using Microsoft.Extensions.Logging.Abstractions;
using Provenance.Contracts.Documents;
using Provenance.Data;
using Provenance.Data.Assertions;
using Provenance.Detection.Watermarks;
using Provenance.Domain.Assertions;
using Provenance.Testing;

namespace Provenance.Detection.Tests.Watermarks;

/// <summary>
/// The registry as the run command starts it, with one generator's watermark configured (its key from the environment,
/// as a secret is given): the detector in the API finds the watermark in text the test watermarked itself and records a
/// detector assertion naming the scheme and z, which decides the class; human text gets the model's verdict only.
/// </summary>
public sealed class WatermarkDetectionTests(WatermarkDetectionTests.Registry registry, ITestOutputHelper output)
    : IClassFixture<WatermarkDetectionTests.Registry>
{
    /// <summary>The API with the test's watermark configured, on a database of its own; one for the class.</summary>
    public sealed class Registry : IAsyncLifetime
    {
        ApiProcess? _api;

        public string Database { get; private set; } = "";

        public ApiProcess Api => _api ?? throw new InvalidOperationException("fixture not initialized");

        public async ValueTask InitializeAsync()
        {
            Database = await TestDatabase.CreateAsync("provenance_watermark");
            _api = await ApiProcess.StartAsync(new Dictionary<string, string>
            {
                ["ConnectionStrings:Registry"] = Database,
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
            if (Database.Length > 0)
            {
                await TestDatabase.DropAsync(Database);
            }
        }

        public HttpClient Admin()
        {
            var client = new HttpClient { BaseAddress = Api.Url, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Add("X-Api-Key", RegistryFixture.AdminKey);
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return client;
        }
    }

    [Fact]
    public async Task WatermarkedTextGetsADetectorAssertionNamingTheSchemeAndZAndHumanTextGetsNone()
    {
        using var client = registry.Admin();
        var watermarked = WatermarkedText.Generate(WatermarkedText.Check(), 200, seed: 11);
        var human = WatermarkedText.HumanTexts().Take(3);

        var marked = await client.RegisterAsync(watermarked);
        var people = new List<long>();
        foreach (var text in human)
        {
            people.Add((await client.RegisterAsync(text)).Id);
        }

        var doc = await client.WaitForDetectorAsync(marked.Id, () => registry.Api.Log);
        var watermark = Assert.Single(doc.Assertions, a => a.AssertedBy == "watermark:kirchenbauer");
        var evidence = watermark.Evidence!.Value;
        output.WriteLine($"watermarked document {doc.Id}: {evidence}");
        Assert.Equal("detector", watermark.Kind);
        Assert.Equal("synthetic", watermark.Class);
        Assert.Equal(WatermarkedText.Generator.ToString(), watermark.Generator);
        Assert.Equal("kirchenbauer", evidence.GetProperty("scheme").GetString());
        Assert.True(evidence.GetProperty("z").GetDouble() >= 4, $"z = {evidence.GetProperty("z")}");
        Assert.InRange(watermark.Confidence!.Value, 0.9999, 1);
        Assert.True(watermark.Effective, "a watermark found outranks the model's verdict");
        Assert.Equal(("synthetic", WatermarkedText.Generator.ToString()), (doc.Class, doc.Generator));
        Assert.DoesNotContain(WatermarkedText.Key, evidence.ToString(), StringComparison.Ordinal);
        foreach (var id in people)
        {
            var person = await client.WaitForDetectorAsync(id, () => registry.Api.Log);
            Assert.DoesNotContain(person.Assertions, a => a.AssertedBy.StartsWith("watermark:", StringComparison.Ordinal));
            Assert.Single(person.Assertions, a => a.Kind == "detector");
        }
        Assert.DoesNotContain(WatermarkedText.Key, registry.Api.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALaterStatisticalVerdictDoesNotOverrideAWatermarkFound()
    {
        using var client = registry.Admin();
        var marked = await client.RegisterAsync(WatermarkedText.Generate(WatermarkedText.Check(), 200, seed: 13));
        await client.WaitForDetectorAsync(marked.Id, () => registry.Api.Log);
        await using var dataSource = RegistryDatabase.CreateDataSource(registry.Database);
        var writer = new AssertionWriter(dataSource, NullLogger<AssertionWriter>.Instance);

        // A newer model (or a rescore) calls the document human afterwards.
        var later = await writer.AppendAsync([new NewAssertion(marked.Id, AssertionKind.Detector, "another-detector@9", ProvenanceClass.Human, 0.97)],
            CancellationToken.None);

        Assert.Equal(ProvenanceClass.Synthetic, Assert.Single(later).CurrentClass);
        var doc = await client.GetJsonAsync<DocumentResponse>($"/v1/documents/{marked.Id}");
        Assert.Equal("synthetic", doc.Class);
        Assert.True(doc.Assertions.Single(a => a.AssertedBy == "watermark:kirchenbauer").Effective);
        Assert.False(doc.Assertions.Single(a => a.AssertedBy == "another-detector@9").Effective);
    }
}
