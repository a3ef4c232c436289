using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Provenance.Contracts.Datasets;

namespace Provenance.Client.Datasets;

public enum ExportFormat
{
    Jsonl,
    Parquet,
}

/// <param name="TextBytes">UTF-8 bytes of the documents' texts: the payload, the same for every format.</param>
/// <param name="FileBytes">Bytes written under data/.</param>
/// <param name="FirstDocument">From asking for the documents to holding the first one.</param>
/// <param name="Retries">How often the document stream failed and was resumed.</param>
public sealed record ExportResult(string Directory, IReadOnlyList<string> Files, long Documents, long TextBytes, long FileBytes, TimeSpan Elapsed,
    string ManifestHash, TimeSpan FirstDocument, int Retries);

/// <summary>
/// Writes a dataset version in the Hugging Face datasets layout: <c>data/train-00000-of-0000N.{jsonl|parquet}</c>
/// shards in version order, <c>manifest.json</c> (the canonical manifest, checked against the manifest hash) and a
/// dataset card <c>README.md</c> whose YAML header <c>datasets.load_dataset</c> reads and whose body carries the
/// version's statistics and collapse-risk report, and <c>croissant.json</c> (Croissant 1.1 with the Responsible-AI
/// properties, every file with its SHA-256).
/// </summary>
public sealed class DatasetExporter(ProvenanceClient client)
{
    public const int DefaultShardDocuments = 100_000;

    /// <summary>Rows per Parquet row group: small enough for the dataset viewer, large enough to compress well.</summary>
    public const int RowGroupRows = 10_000;

    static readonly ParquetSchema Schema = new(
        new DataField<long>("id"), new DataField<string>("content_hash"), new DataField<string>("text"), new DataField<string>("class"),
        new DataField<string>("counted_as"), new DataField<string>("generator"), new DataField<int?>("depth"), new DataField<int>("tokens"),
        new DataField<string>("language"), new DataField<string>("licence"), new DataField<string>("source_domain"));

    /// <param name="directory">Created if missing; must be empty, so an export never mixes shards of two versions.</param>
    /// <param name="progress">Documents written so far.</param>
    /// <param name="interruptions">
    /// Each failure of the document stream, reported before it is resumed from the document after the last one written
    /// (the client's <see cref="ProvenanceClient.StreamRetry"/> says how often and after what delay).
    /// </param>
    public async Task<ExportResult> ExportAsync(string versionRef, ExportFormat format, string directory, int shardDocuments = DefaultShardDocuments,
        IProgress<long>? progress = null, IProgress<StreamInterruption>? interruptions = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardDocuments, 1);
        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new IOException($"{directory} is not empty; export into a new or empty folder.");
        }
        var clock = Stopwatch.StartNew();
        var version = await client.GetDatasetAsync(versionRef, ct);
        var data = Directory.CreateDirectory(Path.Combine(directory, "data")).FullName;
        var shards = (int)Math.Max(1, (version.Documents + shardDocuments - 1) / shardDocuments);
        var extension = format == ExportFormat.Parquet ? "parquet" : "jsonl";
        var files = Enumerable.Range(0, shards).Select(i => Path.Combine(data, string.Create(CultureInfo.InvariantCulture, $"train-{i:D5}-of-{shards:D5}.{extension}"))).ToList();
        var languages = new SortedSet<string>(StringComparer.Ordinal);
        var licences = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);

        long documents = 0, textBytes = 0;
        var retries = 0;
        var firstDocument = TimeSpan.Zero;
        var streamClock = Stopwatch.StartNew();
        var counted = new CountingProgress(interruptions, () => retries++);
        var shard = new List<DatasetDocument>(Math.Min(shardDocuments, RowGroupRows));
        ShardWriter? writer = null;
        var current = -1;
        try
        {
            await foreach (var d in client.DatasetDocumentsAsync(version.Id.ToString(CultureInfo.InvariantCulture), interruptions: counted, ct: ct))
            {
                if (documents == 0)
                {
                    firstDocument = streamClock.Elapsed;
                }
                var index = (int)(documents / shardDocuments);
                if (index != current)
                {
                    if (writer is not null)
                    {
                        await writer.DisposeAsync();
                    }
                    current = index;
                    writer = await ShardWriter.CreateAsync(files[index], format, version, ct);
                }
                await writer!.WriteAsync(d, ct);
                documents++;
                textBytes += Encoding.UTF8.GetByteCount(d.Text ?? "");
                if (d.Language is { Length: > 0 } language)
                {
                    languages.Add(language.Split('-')[0].ToLowerInvariant());
                }
                licences.Add(d.Licence ?? "");
                if (documents % 1000 == 0)
                {
                    progress?.Report(documents);
                }
            }
        }
        finally
        {
            if (writer is not null)
            {
                await writer.DisposeAsync();
            }
        }
        progress?.Report(documents);
        if (documents != version.Documents)
        {
            throw new IOException($"the registry sent {documents:N0} documents of {version.Ref}, which has {version.Documents:N0}; export again.");
        }

        var manifestPath = Path.Combine(directory, "manifest.json");
        await using (var manifest = File.Create(manifestPath))
        {
            await client.DownloadDatasetManifestAsync(version.Id.ToString(CultureInfo.InvariantCulture), manifest, ct);
        }
        await using (var check = File.OpenRead(manifestPath))
        {
            var hash = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(check, ct));
            if (hash != version.ManifestHash)
            {
                throw new IOException($"manifest.json hashes to {hash}, not to the version's {version.ManifestHash}; the download is corrupt, export again.");
            }
        }
        await File.WriteAllTextAsync(Path.Combine(directory, "README.md"),
            DatasetCard.Write(version, format, shards, [.. languages], [.. licences]), new UTF8Encoding(false), ct);
        await WriteCroissantAsync(version, format, directory, files, [.. languages], [.. licences], ct);
        var fileBytes = files.Where(File.Exists).Sum(f => new FileInfo(f).Length);
        return new ExportResult(directory, files, documents, textBytes, fileBytes, clock.Elapsed, version.ManifestHash, firstDocument, retries);
    }

    /// <summary>
    /// croissant.json, written last: it hashes every other file of the export. The detectors that labelled documents are
    /// read from the version's PROV only when the manifest counts documents on detector scores.
    /// </summary>
    async Task WriteCroissantAsync(DatasetVersionResponse version, ExportFormat format, string directory, IReadOnlyList<string> files,
        IReadOnlyList<string> languages, IReadOnlyList<string> licences, CancellationToken ct)
    {
        var shardFormat = format == ExportFormat.Parquet ? "application/x-parquet" : "application/jsonlines";
        var shards = new List<ExportedFile>(files.Count);
        foreach (var file in files.Where(File.Exists))
        {
            shards.Add(await DescribeAsync(directory, file, shardFormat, "A shard of the train split.", ct));
        }
        ExportedFile[] others =
        [
            await DescribeAsync(directory, Path.Combine(directory, "manifest.json"), "application/json",
                "The canonical manifest: spec, base, statistics and every document id with its content hash; its SHA-256 is the version's manifest hash.", ct),
            await DescribeAsync(directory, Path.Combine(directory, "README.md"), "text/markdown", "The dataset card.", ct),
        ];
        IReadOnlyList<string> detectors = [];
        if (version.Manifest.CollapseRisk.Accumulation.DetectorAdmitted > 0)
        {
            var prov = await client.DatasetProvAsync(version.Id.ToString(CultureInfo.InvariantCulture), ct);
            detectors = [.. prov.Agent.Values
                .Where(a => a["provenance:role"]?.GetValue<string>() == "detector")
                .Select(a => a["prov:label"]!.GetValue<string>())
                .Order(StringComparer.Ordinal)];
        }
        var registry = client.BaseAddress ?? throw new InvalidOperationException("the client has no base address, so the export cannot name the registry in croissant.json");
        await File.WriteAllTextAsync(Path.Combine(directory, "croissant.json"),
            Croissant.Write(version, format, registry, shards, others, languages, licences, detectors), new UTF8Encoding(false), ct);
    }

    static async Task<ExportedFile> DescribeAsync(string directory, string path, string encodingFormat, string description, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        return new ExportedFile(Path.GetRelativePath(directory, path).Replace('\\', '/'), file.Length, hash, encodingFormat, description);
    }

    /// <summary>Counts the interruptions on the way to the caller's progress.</summary>
    sealed class CountingProgress(IProgress<StreamInterruption>? inner, Action count) : IProgress<StreamInterruption>
    {
        public void Report(StreamInterruption value)
        {
            count();
            inner?.Report(value);
        }
    }

    /// <summary>One shard file, JSONL or Parquet; Parquet rows are buffered into row groups.</summary>
    sealed class ShardWriter : IAsyncDisposable
    {
        readonly Stream _file;
        readonly ParquetWriter? _parquet;
        readonly Utf8JsonWriter? _json;
        readonly List<DatasetDocument> _rows = [];

        ShardWriter(Stream file, ParquetWriter? parquet)
        {
            _file = file;
            _parquet = parquet;
            _json = parquet is null ? new Utf8JsonWriter(file) : null;
        }

        public static async Task<ShardWriter> CreateAsync(string path, ExportFormat format, DatasetVersionResponse version, CancellationToken ct)
        {
            var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
            if (format == ExportFormat.Jsonl)
            {
                return new ShardWriter(file, null);
            }
            var parquet = await ParquetWriter.CreateAsync(Schema, file, new ParquetOptions { CompressionMethod = CompressionMethod.Snappy }, cancellationToken: ct);
            parquet.CustomMetadata = new Dictionary<string, string>
            {
                ["provenance.dataset_version"] = version.Ref,
                ["provenance.manifest_hash"] = version.ManifestHash,
            };
            return new ShardWriter(file, parquet);
        }

        public async Task WriteAsync(DatasetDocument d, CancellationToken ct)
        {
            if (_json is not null)
            {
                _json.WriteStartObject();
                _json.WriteNumber("id", d.Id);
                _json.WriteString("content_hash", d.ContentHash);
                _json.WriteString("text", d.Text);
                _json.WriteString("class", d.Class);
                _json.WriteString("counted_as", d.CountedAs);
                _json.WriteString("generator", d.Generator);
                if (d.Depth is { } depth)
                {
                    _json.WriteNumber("depth", depth);
                }
                else
                {
                    _json.WriteNull("depth");
                }
                _json.WriteNumber("tokens", d.Tokens);
                _json.WriteString("language", d.Language);
                _json.WriteString("licence", d.Licence);
                _json.WriteString("source_domain", d.SourceDomain);
                _json.WriteEndObject();
                await _json.FlushAsync(ct);
                _json.Reset();
                _file.WriteByte((byte)'\n');
                return;
            }
            _rows.Add(d);
            if (_rows.Count >= RowGroupRows)
            {
                await FlushRowGroupAsync(ct);
            }
        }

        async Task FlushRowGroupAsync(CancellationToken ct)
        {
            if (_rows.Count == 0)
            {
                return;
            }
            var f = Schema.DataFields;
            using (var group = _parquet!.CreateRowGroup())
            {
                await group.WriteAsync(f[0], (ReadOnlyMemory<long>)_rows.Select(r => r.Id).ToArray(), cancellationToken: ct);
                await group.WriteAsync(f[1], _rows.Select(r => (string?)r.ContentHash).ToList());
                await group.WriteAsync(f[2], _rows.Select(r => r.Text).ToList());
                await group.WriteAsync(f[3], _rows.Select(r => (string?)r.Class).ToList());
                await group.WriteAsync(f[4], _rows.Select(r => (string?)r.CountedAs).ToList());
                await group.WriteAsync(f[5], _rows.Select(r => r.Generator).ToList());
                await group.WriteAsync(f[6], (ReadOnlyMemory<int?>)_rows.Select(r => r.Depth).ToArray(), cancellationToken: ct);
                await group.WriteAsync(f[7], (ReadOnlyMemory<int>)_rows.Select(r => r.Tokens).ToArray(), cancellationToken: ct);
                await group.WriteAsync(f[8], _rows.Select(r => r.Language).ToList());
                await group.WriteAsync(f[9], _rows.Select(r => r.Licence).ToList());
                await group.WriteAsync(f[10], _rows.Select(r => r.SourceDomain).ToList());
            }
            _rows.Clear();
        }

        public async ValueTask DisposeAsync()
        {
            if (_parquet is not null)
            {
                await FlushRowGroupAsync(CancellationToken.None);
                await _parquet.DisposeAsync();
            }
            if (_json is not null)
            {
                await _json.DisposeAsync();
            }
            await _file.DisposeAsync();
        }
    }
}
