using System.Security.Cryptography;
using System.Text.Json;
using Parquet;
using Provenance.Client;
using Provenance.Client.Datasets;
using Provenance.Testing;

namespace Provenance.Client.Tests.Datasets;

public sealed class DatasetExportTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("provenance-export-").FullName;

    ProvenanceClient Client(string role)
    {
        var http = new HttpClient(registry.CreateHandler()) { BaseAddress = new Uri("http://registry.test/") };
        http.DefaultRequestHeaders.Add(ProvenanceClient.ApiKeyHeader, registry.Key(role));
        return new ProvenanceClient(http);
    }

    async Task<string> VersionAsync()
    {
        var crawler = registry.Client("crawler");
        var domain = DatasetRequests.NewDomain();
        var humans = await crawler.RegisterAsync(domain, "human", 21, language: "en", licence: "CC-BY-4.0");
        await crawler.RegisterAsync(domain, "synthetic", 10, "exporter-model@3", i => [new(humans[i].Id, Relation: "paraphrase_of")], language: "en", licence: "CC-BY-4.0");
        var version = await registry.Client("trainer").AssembleAsync(DatasetRequests.Spec("export", domain, 30, minHuman: 0.7));
        return version.Ref;
    }

    [Fact]
    public async Task ParquetShardsFollowTheHuggingFaceLayoutAndHoldTheVersionInOrder()
    {
        var versionRef = await VersionAsync();
        var client = Client("trainer");
        var expected = await registry.Client("trainer").DocumentsAsync(versionRef);
        var progress = new List<long>();

        var result = await new DatasetExporter(client).ExportAsync(versionRef, ExportFormat.Parquet, _dir, shardDocuments: 12, new SyncProgress(progress.Add));

        Assert.Equal(["train-00000-of-00003.parquet", "train-00001-of-00003.parquet", "train-00002-of-00003.parquet"],
            Directory.GetFiles(Path.Combine(_dir, "data")).Select(Path.GetFileName).Order());
        var ids = new List<long>();
        var texts = new List<string?>();
        foreach (var file in result.Files)
        {
            await using var reader = await ParquetReader.CreateAsync(file);
            Assert.Equal(versionRef, reader.CustomMetadata["provenance.dataset_version"]);
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var fields = reader.Schema.GetDataFields();
                var idColumn = new long[group.RowCount];
                var textColumn = new string?[group.RowCount];
                await group.ReadAsync(fields.Single(f => f.Name == "id"), idColumn.AsMemory());
                await group.ReadAsync(fields.Single(f => f.Name == "text"), textColumn.AsMemory());
                ids.AddRange(idColumn);
                texts.AddRange(textColumn);
            }
        }
        Assert.Equal(expected.Select(d => d.Id), ids);
        Assert.Equal(expected.Select(d => d.Text), texts);
        Assert.Equal(30, result.Documents);
        Assert.Equal(30, progress[^1]);
        Assert.Equal(expected.Sum(d => (long)System.Text.Encoding.UTF8.GetByteCount(d.Text!)), result.TextBytes);
    }

    [Fact]
    public async Task JsonlExportCarriesAVerifiedManifestAndADatasetCardWithTheStatistics()
    {
        var versionRef = await VersionAsync();
        var version = await registry.Client("trainer").GetJsonAsync<Contracts.Datasets.DatasetVersionResponse>($"/v1/datasets/{versionRef}");

        var result = await new DatasetExporter(Client("trainer")).ExportAsync(versionRef, ExportFormat.Jsonl, _dir);

        var lines = await File.ReadAllLinesAsync(Path.Combine(_dir, "data", "train-00000-of-00001.jsonl"));
        var first = JsonDocument.Parse(lines[0]).RootElement;
        var card = await File.ReadAllTextAsync(Path.Combine(_dir, "README.md"));
        var manifest = await File.ReadAllBytesAsync(Path.Combine(_dir, "manifest.json"));
        Assert.Equal(30, lines.Length);
        Assert.Equal(["id", "content_hash", "text", "class", "counted_as", "generator", "depth", "tokens", "language", "licence", "source_domain"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(version.ManifestHash, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest)));
        Assert.Equal(version.ManifestHash, result.ManifestHash);
        Assert.StartsWith("---\npretty_name: \"" + versionRef + "\"\nlicense: cc-by-4.0\nlanguage:\n- en\n", card, StringComparison.Ordinal);
        Assert.Contains("    path: \"data/train-*.jsonl\"", card);
        Assert.Contains("| human | 21 |", card);
        Assert.Contains("| synthetic | 9 |", card);
        Assert.Contains("| exporter-model@3 | 9 |", card);
        Assert.Contains("Human share **70.0%**", card);
        Assert.Contains(version.ManifestHash, card);
    }

    [Fact]
    public async Task AnExportNeverWritesIntoAFolderThatHoldsFiles()
    {
        var versionRef = await VersionAsync();
        await File.WriteAllTextAsync(Path.Combine(_dir, "keep.txt"), "mine");

        var error = await Assert.ThrowsAsync<IOException>(() => new DatasetExporter(Client("trainer")).ExportAsync(versionRef, ExportFormat.Jsonl, _dir));

        Assert.Contains("is not empty", error.Message);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
