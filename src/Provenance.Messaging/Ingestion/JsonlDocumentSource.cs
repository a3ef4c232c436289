using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Provenance.Contracts.Ingestion;

namespace Provenance.Messaging.Ingestion;

/// <summary>
/// Reads crawled documents from JSONL: one JSON object per line,
/// <c>{"text", "url", "crawledAt", "crawlerId", "declared": {"class", "generator", "digitalSourceType", "confidence", "c2pa"},
/// "parents": [{"id" | "contentHash", "relation"}], "language", "licence"}</c>. Only <c>text</c> is required. A line that
/// is not such an object is reported, not sent. A missing <c>crawledAt</c> becomes the file's modification time,
/// which keeps re-sent batches idempotent.
/// </summary>
public sealed class JsonlDocumentSource(string path, int batchSize)
{
    static readonly string[] Extensions = [".jsonl", ".ndjson", ".json"];

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>The input files, in a stable order: the file itself, or every *.jsonl / *.ndjson under a folder.</summary>
    public IReadOnlyList<string> Files()
    {
        if (File.Exists(path))
        {
            return [Path.GetFullPath(path)];
        }
        if (Directory.Exists(path))
        {
            return [.. Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Select(Path.GetFullPath).Order(StringComparer.Ordinal)];
        }
        throw new FileNotFoundException($"no such file or folder: {path}");
    }

    /// <summary>Total size of the input, for progress.</summary>
    public long TotalBytes() => Files().Sum(f => new FileInfo(f).Length);

    /// <summary>Identifies a file's content version: path, size and modification time.</summary>
    public static string Fingerprint(string file)
    {
        var info = new FileInfo(file);
        return $"{file}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
    }

    public static Guid BatchIdOf(string fingerprint, int index) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{fingerprint}#{index}")).AsSpan(0, 16));

    public async IAsyncEnumerable<SourceBatch> ReadAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var file in Files())
        {
            var fingerprint = Fingerprint(file);
            var fileTime = new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
            using var reader = new StreamReader(file, new UTF8Encoding(false, throwOnInvalidBytes: false), detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
            var index = 0;
            long lineNumber = 0;
            while (true)
            {
                var documents = new List<IncomingDocument>(batchSize);
                var lines = new List<long>(batchSize);
                var rejections = new List<LineRejection>();
                var first = lineNumber + 1;
                var count = 0;
                long bytes = 0;
                string? line;
                while (count < batchSize && (line = await reader.ReadLineAsync(ct)) is not null)
                {
                    lineNumber++;
                    count++;
                    bytes += line.Length + 1;
                    if (string.IsNullOrWhiteSpace(line))
                    {
                        continue;
                    }
                    if (TryParse(line, fileTime, out var document, out var error))
                    {
                        documents.Add(document);
                        lines.Add(lineNumber);
                    }
                    else
                    {
                        rejections.Add(new LineRejection(file, lineNumber, error!, "invalid_line"));
                    }
                }
                if (count == 0)
                {
                    break;
                }
                yield return new SourceBatch(file, fingerprint, index, first, count, BatchIdOf(fingerprint, index), documents, lines, rejections, bytes);
                index++;
            }
        }
    }

    internal static bool TryParse(string line, DateTimeOffset defaultCrawledAt, out IncomingDocument document, out string? error)
    {
        document = null!;
        Line? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<Line>(line, Json);
        }
        catch (JsonException e)
        {
            error = $"not a JSON object: {e.Message}";
            return false;
        }
        if (parsed?.Text is null)
        {
            error = "the line has no \"text\".";
            return false;
        }
        document = new IncomingDocument(parsed.Text, parsed.Url ?? parsed.SourceUri, parsed.CrawledAt ?? defaultCrawledAt, parsed.CrawlerId,
            parsed.Declared, parsed.Parents, parsed.Language, parsed.Licence);
        error = null;
        return true;
    }

    sealed record Line(
        string? Text,
        string? Url,
        string? SourceUri,
        DateTimeOffset? CrawledAt,
        string? CrawlerId,
        DeclaredProvenanceMessage? Declared,
        IReadOnlyList<ParentReferenceMessage>? Parents,
        string? Language,
        string? Licence);
}
