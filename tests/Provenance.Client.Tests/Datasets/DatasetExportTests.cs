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

    /// <summary>Retries a stream as the default does, without making the tests wait.</summary>
    static readonly StreamRetry FastRetry = new(3, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40));

    ProvenanceClient Client(string role, HttpMessageHandler? handler = null)
    {
        var http = new HttpClient(handler ?? registry.CreateHandler()) { BaseAddress = new Uri("http://registry.test/") };
        http.DefaultRequestHeaders.Add(ProvenanceClient.ApiKeyHeader, registry.Key(role));
        return new ProvenanceClient(http) { StreamRetry = FastRetry };
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

        var result = await new DatasetExporter(client).ExportAsync(versionRef, ExportFormat.Parquet, _dir, shardDocuments: 12, new SyncProgress<long>(progress.Add));

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

    [Fact]
    public async Task AnExportResumesAfterTheStreamIsCutAndTheRegistryAnswers500AndWritesTheSameBytes()
    {
        var versionRef = await VersionAsync();
        var undisturbed = Path.Combine(_dir, "undisturbed");
        var resumed = Path.Combine(_dir, "resumed");
        await new DatasetExporter(Client("trainer")).ExportAsync(versionRef, ExportFormat.Jsonl, undisturbed, shardDocuments: 8);
        var faults = new StreamFaults(registry.CreateHandler(), cutAfterBytes: 2_500, failures: 1);
        var interruptions = new List<StreamInterruption>();

        var result = await new DatasetExporter(Client("trainer", faults)).ExportAsync(versionRef, ExportFormat.Jsonl, resumed, shardDocuments: 8,
            interruptions: new SyncProgress<StreamInterruption>(interruptions.Add));

        var cutAt = interruptions[0].NextOffset;
        Assert.InRange(cutAt, 1, 29);
        Assert.Equal(["?offset=0", $"?offset={cutAt}", $"?offset={cutAt}"], faults.DocumentRequests);
        Assert.Equal([(cutAt, 1), (cutAt, 2)], interruptions.Select(i => (i.NextOffset, i.Retry)));
        Assert.Contains("500", interruptions[1].Reason);
        Assert.Equal(2, result.Retries);
        Assert.Equal(30, result.Documents);
        var files = Directory.GetFiles(undisturbed, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(undisturbed, f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(resumed, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(resumed, f)).Order());
        Assert.Equal(7, files.Count); // 4 shards, manifest.json, README.md, croissant.json
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(undisturbed, f)), File.ReadAllBytes(Path.Combine(resumed, f))));
    }

    [Fact]
    public async Task AnExportGivesUpAfterTheRetriesItIsAllowedAndSaysWhy()
    {
        var versionRef = await VersionAsync();
        var faults = new StreamFaults(registry.CreateHandler(), cutAfterBytes: null, failures: int.MaxValue);
        var interruptions = new List<StreamInterruption>();

        var error = await Assert.ThrowsAsync<ProvenanceApiException>(() => new DatasetExporter(Client("trainer", faults)).ExportAsync(
            versionRef, ExportFormat.Jsonl, _dir, interruptions: new SyncProgress<StreamInterruption>(interruptions.Add)));

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, error.Status);
        Assert.Contains("Timeout during reading attempt", error.Message);
        Assert.Equal(FastRetry.Retries + 1, faults.DocumentRequests.Count);
        Assert.Equal(Enumerable.Range(1, FastRetry.Retries), interruptions.Select(i => i.Retry));
    }

    [Fact]
    public async Task AClientErrorIsNeverRetried()
    {
        var interruptions = new List<StreamInterruption>();

        var error = await Assert.ThrowsAsync<ProvenanceApiException>(async () =>
        {
            await foreach (var _ in Client("trainer").DatasetDocumentsAsync("no-such-dataset@1", interruptions: new SyncProgress<StreamInterruption>(interruptions.Add)))
            {
            }
        });

        Assert.Equal(System.Net.HttpStatusCode.NotFound, error.Status);
        Assert.Empty(interruptions);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Fault injection in front of the real API, on <c>…/documents</c> requests only: the first response is cut off after
    /// <paramref name="cutAfterBytes"/> bytes of its body, as when the connection drops or the registry aborts the
    /// stream; the next <paramref name="failures"/> requests are answered 500 with the problem PostgreSQL's command
    /// timeout gives, as when the registry cannot start the stream; later ones pass.
    /// </summary>
    sealed class StreamFaults(HttpMessageHandler api, int? cutAfterBytes, int failures) : DelegatingHandler(api)
    {
        int _failures = failures;

        public List<string> DocumentRequests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (!request.RequestUri!.AbsolutePath.EndsWith("/documents", StringComparison.Ordinal))
            {
                return await base.SendAsync(request, cancellationToken);
            }
            DocumentRequests.Add(request.RequestUri.Query);
            if (DocumentRequests.Count > 1 || cutAfterBytes is null)
            {
                if (_failures-- > 0)
                {
                    return new HttpResponseMessage(System.Net.HttpStatusCode.InternalServerError)
                    {
                        Content = new StringContent("""{"title":"An unexpected error occurred","status":500,"detail":"Exception while reading from stream: Timeout during reading attempt","code":"internal_error"}""",
                            System.Text.Encoding.UTF8, "application/problem+json"),
                    };
                }
                return await base.SendAsync(request, cancellationToken);
            }
            var response = await base.SendAsync(request, cancellationToken);
            var cut = new StreamContent(new CutShortStream(await response.Content.ReadAsStreamAsync(cancellationToken), cutAfterBytes.Value));
            foreach (var header in response.Content.Headers)
            {
                cut.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
            response.Content = cut;
            return response;
        }
    }

    /// <summary>Reads <paramref name="bytes"/> bytes of the body, then fails as a dropped connection does.</summary>
    sealed class CutShortStream(Stream inner, int bytes) : Stream
    {
        int _left = bytes;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_left <= 0)
            {
                throw new IOException("The response ended prematurely: the connection was reset.");
            }
            var read = await inner.ReadAsync(buffer[..Math.Min(buffer.Length, _left)], cancellationToken);
            _left -= read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
