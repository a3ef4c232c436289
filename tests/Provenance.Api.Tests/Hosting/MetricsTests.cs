using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Provenance.Contracts.Documents;
using Provenance.Testing;

namespace Provenance.Api.Tests.Hosting;

/// <summary>
/// What Prometheus scrapes at /metrics after the registry has done some work, and the dashboard in deploy/grafana,
/// which must only query metrics the registry exports. The registry runs in a process of its own, as run.sh starts it
/// (its detector in process, so that registration, detection and assembly all record metrics), so the scrape shows
/// that process's meters and nothing other test hosts recorded.
/// </summary>
public sealed partial class MetricsTests(EmbeddedRegistryFixture registry) : IClassFixture<EmbeddedRegistryFixture>
{
    /// <summary>Registers (one document created, one rejected), waits for the detector's verdict, previews a dataset, then scrapes.</summary>
    async Task<string> ScrapeAfterWorkAsync()
    {
        var crawler = registry.Client("crawler");
        var text = TestDocuments.UniqueText("metrics");
        var response = await crawler.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest([
            new RegisterDocumentRequest(text, SourceUri: "https://metrics.example/1"),
            new RegisterDocumentRequest(" "),
        ]));
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<RegisterDocumentsResponse>())!.Results[0].Id!.Value;
        await registry.Client("curator").WaitForDetectorAsync(id, () => registry.Api.Log);
        var domain = DatasetRequests.NewDomain();
        await crawler.RegisterAsync(domain, "human", 3);
        var preview = await registry.Client("admin").PostAsJsonAsync("/v1/datasets?dryRun=true", DatasetRequests.Spec("metrics", domain, 2, 0.5));
        preview.EnsureSuccessStatusCode();

        // The exporter caches a scrape for a moment, and MassTransit counts a consumption once its consumer has returned
        // (after the verdict the wait above saw): wait both out, so this scrape is taken after the work above.
        await Task.Delay(1000);
        using var http = new HttpClient { BaseAddress = registry.Api.Url };
        var scrape = await http.GetAsync("/metrics");
        scrape.EnsureSuccessStatusCode();
        return await scrape.Content.ReadAsStringAsync();
    }

    /// <summary>The names of the samples in a Prometheus text exposition (a histogram's _bucket, _sum and _count included).</summary>
    static HashSet<string> SampleNames(string exposition) =>
        [.. exposition.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SampleName().Match(l).Value)];

    [Fact]
    public async Task AScrapeAfterARegistrationShowsTheRegistrysMetrics()
    {
        var scrape = await ScrapeAfterWorkAsync();

        Assert.Matches(@"provenance_documents_registered_total\{[^}]*class=""unknown""[^}]*status=""created""[^}]*\} [1-9]", scrape);
        Assert.Matches(@"provenance_documents_rejected_total\{[^}]*code=""invalid_document""[^}]*\} [1-9]", scrape);
        Assert.Matches(@"provenance_registration_batch_size_bucket\{", scrape);
        Assert.Matches(@"provenance_registration_duration_seconds_count\{[^}]*\} [1-9]", scrape);
        Assert.Matches(@"provenance_detector_verdicts_total\{[^}]*class=""[a-z]+""[^}]*model=""provenance-detector@", scrape);
        Assert.Matches(@"provenance_detector_scoring_duration_seconds_count\{", scrape);
        Assert.Matches(@"provenance_dataset_assembly_duration_seconds_count\{[^}]*outcome=""previewed""", scrape);
        Assert.Matches(@"provenance_dataset_assembly_size_bucket\{", scrape);
        Assert.Matches(@"provenance_detection_backlog\{[^}]*\} \d", scrape);
    }

    [Fact]
    public async Task EveryMetricTheDashboardQueriesIsOneTheRegistryExports()
    {
        var exported = SampleNames(await ScrapeAfterWorkAsync());
        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "grafana", "provenance.json")));

        var expressions = Expressions(dashboard.RootElement).ToList();

        Assert.NotEmpty(expressions);
        Assert.All(expressions, expr =>
        {
            // Every query names its metrics with a selector (name{...}), which is how the names are found here.
            var names = Selector().Matches(expr).Select(m => m.Groups[1].Value).ToList();
            Assert.True(names.Count > 0, $"no metric selector in: {expr}");
            Assert.All(names, name => Assert.True(exported.Contains(name),
                $"the dashboard queries {name}, which the registry does not export (in: {expr}). Exported: {string.Join(", ", exported.Order())}"));
        });
    }

    static IEnumerable<string> Expressions(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        yield return property.Value.GetString()!;
                    }
                    foreach (var expr in Expressions(property.Value))
                    {
                        yield return expr;
                    }
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    foreach (var expr in Expressions(item))
                    {
                        yield return expr;
                    }
                }
                break;
        }
    }


    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SampleName();

    [GeneratedRegex(@"([a-zA-Z_:][a-zA-Z0-9_:]*)\{")]
    private static partial Regex Selector();
}
