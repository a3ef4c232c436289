using System.Security.Cryptography;
using System.Text.Json;
using Provenance.Client.Datasets;
using Provenance.Contracts.Datasets;
using Provenance.Data.Assertions;
using Provenance.Domain.Assertions;
using Provenance.Testing;

namespace Provenance.Client.Tests.Datasets;

public sealed class CroissantTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("provenance-croissant-").FullName;
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _trainer = registry.Client("trainer");

    ProvenanceClient Client()
    {
        var http = new HttpClient(registry.CreateHandler()) { BaseAddress = new Uri("http://registry.test/") };
        http.DefaultRequestHeaders.Add(ProvenanceClient.ApiKeyHeader, registry.Key("trainer"));
        return new ProvenanceClient(http);
    }

    static JsonElement Read(string path) => JsonDocument.Parse(File.ReadAllText(path)).RootElement;

    static IEnumerable<string> Strings(JsonElement value) =>
        value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!) : [value.GetString()!];

    static IEnumerable<JsonElement> FileObjects(JsonElement croissant) =>
        croissant.GetProperty("distribution").EnumerateArray().Where(d => d.GetProperty("@type").GetString() == "cr:FileObject");

    /// <summary>Whether <paramref name="croissant"/> states <paramref name="property"/>, by its name or by a term its context maps to it.</summary>
    static bool States(JsonElement croissant, string property) =>
        croissant.TryGetProperty(property, out _)
        || croissant.GetProperty("@context").EnumerateObject().Any(t => t.Value.ValueKind == JsonValueKind.String && t.Value.GetString() == property && croissant.TryGetProperty(t.Name, out _));

    [Fact]
    public async Task AnExportsCroissantHasEveryRequiredPropertyAFileObjectPerFileWhoseHashMatchesAndTheColumnsAndItsBase()
    {
        var spec = CroissantSpec.Load();
        var domain = DatasetRequests.NewDomain();
        var humans = await _crawler.RegisterAsync(domain, "human", 14, language: "en", licence: "CC-BY-4.0");
        await _crawler.RegisterAsync(domain, "synthetic", 6, "croissant-model@2", i => [new(humans[i].Id, Relation: "paraphrase_of")], language: "en", licence: "CC-BY-4.0");
        var v1 = await _trainer.AssembleAsync(DatasetRequests.Spec("croissant", domain, 10, minHuman: 1));
        var v2 = await _trainer.AssembleAsync(DatasetRequests.Spec("croissant", domain, 20, minHuman: 0.7, baseRef: v1.Ref));

        var result = await new DatasetExporter(Client()).ExportAsync(v2.Ref, ExportFormat.Jsonl, _dir, shardDocuments: 8);

        var croissant = Read(Path.Combine(_dir, "croissant.json"));
        TestContext.Current.TestOutputHelper?.WriteLine(File.ReadAllText(Path.Combine(_dir, "croissant.json")));
        Assert.Equal(new[] { "conformsTo", "distribution", "license", "url", "creator", "datePublished", "description", "name", "@context", "@type" }.Order(),
            spec.RequiredProperties.Select(p => p == "dct:conformsTo" ? "conformsTo" : p).Order());
        Assert.All(spec.RequiredProperties, p => Assert.True(States(croissant, p), $"croissant.json does not state the required {p}"));
        Assert.Equal("sc:Dataset", croissant.GetProperty("@type").GetString());
        Assert.Equal(["http://mlcommons.org/croissant/1.1", "http://mlcommons.org/croissant/RAI/1.0"], spec.ConformsTo.Order());
        Assert.Equal(spec.ConformsTo.Order(), Strings(croissant.GetProperty("conformsTo")).Order());
        Assert.All(spec.Context.EnumerateObject(), term => Assert.Equal(term.Value.ToString(), croissant.GetProperty("@context").GetProperty(term.Name).ToString()));
        var everyExample = spec.Examples.Select(e => e.EnumerateObject().Select(p => p.Name).ToHashSet())
            .Aggregate((a, b) => { a.IntersectWith(b); return a; });
        Assert.Subset(croissant.EnumerateObject().Select(p => p.Name).ToHashSet(), everyExample);
        var everyExampleFile = spec.Examples.SelectMany(FileObjects).Select(f => f.EnumerateObject().Select(p => p.Name).ToHashSet())
            .Aggregate((a, b) => { a.IntersectWith(b); return a; });
        Assert.Contains("sha256", everyExampleFile);

        var files = FileObjects(croissant).ToList();
        Assert.All(files, f => Assert.Subset(f.EnumerateObject().Select(p => p.Name).ToHashSet(), everyExampleFile));
        Assert.Equal(result.Files.Select(f => "data/" + Path.GetFileName(f)), files.Select(f => f.GetProperty("contentUrl").GetString()!).Where(u => u.StartsWith("data/", StringComparison.Ordinal)));
        Assert.Equal(3, result.Files.Count);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(Path.Combine(_dir, file.GetProperty("contentUrl").GetString()!));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), file.GetProperty("sha256").GetString());
            Assert.Equal($"{bytes.Length} B", file.GetProperty("contentSize").GetString());
        }
        Assert.Equal(v2.ManifestHash, "sha256:" + files.Single(f => f.GetProperty("@id").GetString() == "manifest.json").GetProperty("sha256").GetString());
        var firstRow = JsonDocument.Parse(File.ReadLines(result.Files[0]).First()).RootElement;
        var recordSet = croissant.GetProperty("recordSet")[0];
        Assert.Equal(firstRow.EnumerateObject().Select(p => p.Name), recordSet.GetProperty("field").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.All(recordSet.GetProperty("field").EnumerateArray(), f => Assert.Equal("shards", f.GetProperty("source").GetProperty("fileSet").GetProperty("@id").GetString()));
        var derivedFrom = croissant.GetProperty("prov:wasDerivedFrom");
        Assert.Equal($"http://registry.test/v1/datasets/{v1.Id}/manifest", derivedFrom.GetProperty("@id").GetString());
        Assert.Equal(v1.ManifestHash, "sha256:" + derivedFrom.GetProperty("sha256").GetString());
        Assert.Equal($"http://registry.test/v1/datasets/{v2.Id}", croissant.GetProperty("url").GetString());
        Assert.Equal(["https://spdx.org/licenses/CC-BY-4.0.html"], Strings(croissant.GetProperty("license")));

        var rai = croissant.EnumerateObject().Where(p => p.Name.StartsWith("rai:", StringComparison.Ordinal)).Select(p => p.Name).ToList();
        Assert.Equal(["rai:hasSyntheticData"], rai.Where(p => !spec.RaiProperties.Contains(p)));
        Assert.Contains("Web Scraping", Strings(croissant.GetProperty("rai:dataCollectionType")));
        Assert.Contains("registered each document", croissant.GetProperty("rai:dataCollection").GetString());
        Assert.True(croissant.GetProperty("rai:hasSyntheticData").GetBoolean());
        Assert.Contains("70.0% human-written, 30.0% synthetic", croissant.GetProperty("rai:dataCollectionRawData").GetString());
        Assert.Contains("croissant-model@2", croissant.GetProperty("rai:dataCollectionRawData").GetString());
        Assert.Contains(Strings(croissant.GetProperty("rai:dataLimitations")), l => l.StartsWith("Detector labels are probabilistic", StringComparison.Ordinal));
        Assert.False(croissant.TryGetProperty("rai:machineAnnotationTools", out _));
        var card = await File.ReadAllTextAsync(Path.Combine(_dir, "README.md"));
        Assert.Contains("language_creators:\n- found\n- machine-generated\n", card);
    }

    [Fact]
    public async Task DocumentsCountedOnDetectorScoresNameTheDetectorAsTheMachineAnnotationTool()
    {
        CroissantSpec.Load();
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 6);
        var unknown = await _crawler.RegisterAsync(domain, null, 2);
        await registry.GetService<AssertionWriter>().AppendAsync([
            .. unknown.Select(d => new NewAssertion(d.Id, AssertionKind.Detector, "provenance-detector@2.0.0", ProvenanceClass.Human, 0.98, EvidenceJson: """{"p_human": 0.98}""")),
        ], CancellationToken.None);
        var version = await _trainer.AssembleAsync(DatasetRequests.Spec("croissant-detected", domain, 8, minHuman: 1)
            with { Unknown = new UnknownDocumentsSpec("detector", HumanAtLeast: 0.95, SyntheticAtLeast: 0.95) });

        await new DatasetExporter(Client()).ExportAsync(version.Ref, ExportFormat.Parquet, _dir);

        var croissant = Read(Path.Combine(_dir, "croissant.json"));
        var tool = Assert.Single(Strings(croissant.GetProperty("rai:machineAnnotationTools")));
        Assert.StartsWith("provenance-detector@2.0.0 ", tool);
        Assert.False(croissant.GetProperty("rai:hasSyntheticData").GetBoolean());
        Assert.Contains(Strings(croissant.GetProperty("rai:dataLimitations")), l => l.Contains("counts 2 document(s) of unknown provenance by detector scores", StringComparison.Ordinal));
        Assert.Equal("application/x-parquet", FileObjects(croissant).Single(f => f.GetProperty("@id").GetString()!.StartsWith("data/", StringComparison.Ordinal)).GetProperty("encodingFormat").GetString());
        var card = await File.ReadAllTextAsync(Path.Combine(_dir, "README.md"));
        Assert.Contains("language_creators:\n- found\nsize_categories:", card);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
