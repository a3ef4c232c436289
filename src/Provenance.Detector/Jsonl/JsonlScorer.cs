using System.Text;
using System.Text.Json;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;

namespace Provenance.Detector.Jsonl;

/// <summary>A line of the input that could not be scored; the other lines are unaffected.</summary>
public sealed record JsonlLineError(long Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}

/// <summary>What a JSONL scoring run did.</summary>
public sealed record JsonlScoreSummary(long Lines, long Scored, long Blank, IReadOnlyList<JsonlLineError> Errors);

/// <summary>
/// The `score --in DOCS.jsonl --out SCORES.jsonl` loop: streams lines {"id", "text"}, scores them in batches and
/// writes {"id", "p_synthetic", "p_mixed", "class", "confidence", "segments_disagree"} per good line, in input order.
/// The class and confidence come from <see cref="DocumentScorer"/>, the same decision (segment rule included) the
/// worker records; p_synthetic and p_mixed are the whole document's. A bad line is reported with its number and
/// reason and skipped; it never costs the good lines around it.
/// </summary>
public static class JsonlScorer
{
    public static async Task<JsonlScoreSummary> ScoreFileAsync(string inputPath, string outputPath, ITextDetector detector,
        int batchSize = 256, Action<JsonlLineError>? onError = null, CancellationToken ct = default)
    {
        using var input = new StreamReader(inputPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        await using var output = new StreamWriter(outputPath, append: false, new UTF8Encoding(false));
        return await ScoreAsync(input, output, detector, batchSize, onError, ct);
    }

    public static Task<JsonlScoreSummary> ScoreAsync(TextReader input, TextWriter output, ITextDetector detector,
        int batchSize = 256, Action<JsonlLineError>? onError = null, CancellationToken ct = default) =>
        ScoreAsync(input, output, new DocumentScorer(detector), batchSize, onError, ct);

    public static Task<JsonlScoreSummary> ScoreAsync(TextReader input, TextWriter output, DocumentScorer scorer,
        int batchSize = 256, Action<JsonlLineError>? onError = null, CancellationToken ct = default)
    {
        var buffer = new ArrayBufferWriterStream();
        return RunAsync(input, output, batchSize, texts => scorer.Score(texts, ct), (id, score) => Format(id, score, buffer), onError, ct);
    }

    /// <summary>
    /// The loop every JSONL scoring command shares: reads {"id", "text"} lines, gives good lines to
    /// <paramref name="score"/> in batches of <paramref name="batchSize"/> and writes <paramref name="format"/>'s line for
    /// each, in input order; blank lines are counted, bad lines reported through <paramref name="onError"/> and skipped.
    /// </summary>
    internal static async Task<JsonlScoreSummary> RunAsync<TScore>(TextReader input, TextWriter output, int batchSize,
        Func<IReadOnlyList<string>, IReadOnlyList<TScore>> score, Func<JsonElement, TScore, string> format,
        Action<JsonlLineError>? onError, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var errors = new List<JsonlLineError>();
        var ids = new List<JsonElement>(batchSize);
        var texts = new List<string>(batchSize);
        long lines = 0, scored = 0, blank = 0;

        async Task FlushAsync()
        {
            if (texts.Count == 0)
            {
                return;
            }
            var scores = score(texts);
            for (var i = 0; i < scores.Count; i++)
            {
                await output.WriteLineAsync(format(ids[i], scores[i]).AsMemory(), ct);
            }
            scored += scores.Count;
            ids.Clear();
            texts.Clear();
        }

        while (await input.ReadLineAsync(ct) is { } line)
        {
            lines++;
            if (string.IsNullOrWhiteSpace(line))
            {
                blank++;
                continue;
            }
            if (TryParse(line, out var id, out var text, out var reason))
            {
                ids.Add(id);
                texts.Add(text);
                if (texts.Count == batchSize)
                {
                    await FlushAsync();
                }
            }
            else
            {
                var error = new JsonlLineError(lines, reason);
                errors.Add(error);
                onError?.Invoke(error);
            }
        }
        await FlushAsync();
        await output.FlushAsync(ct);
        return new JsonlScoreSummary(lines, scored, blank, errors);
    }

    internal static bool TryParse(string line, out JsonElement id, out string text, out string reason)
    {
        id = default;
        text = "";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            reason = $"not valid JSON ({e.Message})";
            return false;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                reason = $"expected a JSON object, found {root.ValueKind.ToString().ToLowerInvariant()}";
                return false;
            }
            if (!root.TryGetProperty("id", out var idElement) || idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                reason = "\"id\" is missing or is not a string or number";
                return false;
            }
            if (!root.TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                reason = "\"text\" is missing or is not a string";
                return false;
            }
            id = idElement.Clone();
            text = textElement.GetString()!;
            reason = "";
            return true;
        }
    }

    static string Format(JsonElement id, DocumentVerdict score, ArrayBufferWriterStream buffer)
    {
        buffer.Reset();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id");
            id.WriteTo(writer);
            writer.WriteNumber("p_synthetic", Math.Round(score.PSynthetic, 6));
            writer.WriteNumber("p_mixed", Math.Round(score.PMixed, 6));
            writer.WriteString("class", score.Class.ToLabel());
            if (score.Confidence is { } confidence)
            {
                writer.WriteNumber("confidence", confidence);
            }
            else
            {
                writer.WriteNull("confidence");
            }
            writer.WriteBoolean("segments_disagree", score.SegmentsDisagree);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A reusable in-memory stream, so formatting a line does not allocate a new buffer.</summary>
    sealed class ArrayBufferWriterStream : MemoryStream
    {
        public ReadOnlySpan<byte> WrittenSpan => GetBuffer().AsSpan(0, (int)Length);

        public void Reset() => SetLength(0);
    }
}
