using System.Text;
using System.Text.Json;
using Provenance.Detector.Jsonl;

namespace Provenance.Detector.ZeroShot;

/// <summary>
/// The `detector zero-shot --in DOCS.jsonl --out SCORES.jsonl` loop: streams {"id", "text"} lines, scores them in
/// batches and writes {"id", "criterion", "machine_score", "tokens", "method"} per good line, in input order. A text
/// too short to score (fewer than 2 tokens) gets null criterion and machine score. Bad lines are reported with their
/// number and skipped, exactly as <see cref="JsonlScorer"/> does.
/// </summary>
public static class ZeroShotJsonl
{
    public static async Task<JsonlScoreSummary> ScoreFileAsync(string inputPath, string outputPath, ZeroShotScorer scorer,
        int batchSize = 256, Action<JsonlLineError>? onError = null, CancellationToken ct = default)
    {
        using var input = new StreamReader(inputPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        await using var output = new StreamWriter(outputPath, append: false, new UTF8Encoding(false));
        return await ScoreAsync(input, output, scorer, batchSize, onError, ct);
    }

    public static Task<JsonlScoreSummary> ScoreAsync(TextReader input, TextWriter output, ZeroShotScorer scorer,
        int batchSize = 256, Action<JsonlLineError>? onError = null, CancellationToken ct = default) =>
        JsonlScorer.RunAsync(input, output, batchSize, texts => scorer.Score(texts, ct), (id, score) => Format(id, score, scorer.MethodName), onError, ct);

    static string Format(JsonElement id, ZeroShotScore score, string method)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("id");
            id.WriteTo(writer);
            WriteNumberOrNull(writer, "criterion", score.Criterion);
            WriteNumberOrNull(writer, "machine_score", score.MachineScore);
            writer.WriteNumber("tokens", score.Tokens);
            writer.WriteString("method", method);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    static void WriteNumberOrNull(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, Math.Round(value, 6));
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
