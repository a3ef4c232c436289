using System.Text.Json;
using System.Text.Json.Serialization;
using Provenance.Detector.Modeling;
using Provenance.Detector.Scoring;

namespace Provenance.Detector.Segments;

/// <summary>How a segment reads under the segment thresholds.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SegmentReading>))]
public enum SegmentReading
{
    [JsonStringEnumMemberName("uncertain")]
    Uncertain,

    [JsonStringEnumMemberName("human")]
    Human,

    [JsonStringEnumMemberName("machine")]
    Machine,
}

/// <summary>One segment's scores: evidence of which parts of a document read as machine-written.</summary>
public sealed record SegmentScore(
    [property: JsonPropertyName("start")] int Start,
    [property: JsonPropertyName("end")] int End,
    [property: JsonPropertyName("p_human")] float PHuman,
    [property: JsonPropertyName("p_synthetic")] float PSynthetic,
    [property: JsonPropertyName("p_mixed")] float PMixed,
    [property: JsonPropertyName("reading")] SegmentReading Reading);

/// <summary>
/// A document's verdict with its evidence: what the registry stores next to a detector assertion.
/// <see cref="PHuman"/>/<see cref="PSynthetic"/>/<see cref="PMixed"/> are the whole document's scores;
/// <see cref="Class"/> is "mixed" also when confident segments disagree.
/// </summary>
public sealed record DocumentVerdict(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("p_human")] float PHuman,
    [property: JsonPropertyName("p_synthetic")] float PSynthetic,
    [property: JsonPropertyName("p_mixed")] float PMixed,
    [property: JsonPropertyName("class")] DetectorClass Class,
    [property: JsonPropertyName("segments_disagree")] bool SegmentsDisagree,
    [property: JsonPropertyName("thresholds")] DetectorThresholds Thresholds,
    [property: JsonPropertyName("segments")] IReadOnlyList<SegmentScore> Segments)
{
    public string ToJson() => JsonSerializer.Serialize(this, VerdictJsonContext.Default.DocumentVerdict);
}

/// <summary>
/// Scores whole documents and their segments in one batched pass and applies the mixed-authorship rule: a
/// document is mixed when some segments are confidently human and others confidently machine-written, even if
/// the whole-document score averages that away.
/// </summary>
public sealed class DocumentScorer(ITextDetector detector, SegmentOptions? options = null)
{
    readonly SegmentOptions segmentOptions = options ?? new SegmentOptions();

    public DocumentVerdict Score(string document, CancellationToken ct = default) => Score([document], ct)[0];

    public IReadOnlyList<DocumentVerdict> Score(IReadOnlyList<string> documents, CancellationToken ct = default)
    {
        var texts = new List<string>(documents.Count * 2);
        var spans = new List<IReadOnlyList<TextSpan>>(documents.Count);
        foreach (var document in documents)
        {
            var text = document ?? "";
            texts.Add(text);
            var split = DocumentSegmenter.Split(text, segmentOptions);
            // One segment is the document again; nothing to compare it with.
            spans.Add(split.Count > 1 ? split : []);
            foreach (var span in spans[^1])
            {
                texts.Add(text[span.Start..span.End]);
            }
        }

        var scores = detector.Score(texts, ct);
        var verdicts = new DocumentVerdict[documents.Count];
        var next = 0;
        var thresholds = detector.Thresholds;
        for (var d = 0; d < documents.Count; d++)
        {
            var whole = scores[next++];
            var segments = new SegmentScore[spans[d].Count];
            for (var s = 0; s < segments.Length; s++)
            {
                var score = scores[next++];
                segments[s] = new SegmentScore(spans[d][s].Start, spans[d][s].End, score.PHuman, score.PSynthetic, score.PMixed,
                    Read(score.PSynthetic, thresholds));
            }
            var disagree = segments.Any(s => s.Reading == SegmentReading.Human) && segments.Any(s => s.Reading == SegmentReading.Machine);
            verdicts[d] = new DocumentVerdict(detector.ModelId, whole.PHuman, whole.PSynthetic, whole.PMixed,
                disagree ? DetectorClass.Mixed : whole.Class, disagree, thresholds, segments);
        }
        return verdicts;
    }

    static SegmentReading Read(float pSynthetic, DetectorThresholds thresholds) =>
        pSynthetic <= thresholds.SegmentHuman ? SegmentReading.Human
        : pSynthetic >= thresholds.SegmentMachine ? SegmentReading.Machine
        : SegmentReading.Uncertain;
}

[JsonSerializable(typeof(DocumentVerdict))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class VerdictJsonContext : JsonSerializerContext;
