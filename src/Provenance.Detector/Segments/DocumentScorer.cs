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
/// A document's verdict with its evidence: what the registry stores next to a detector assertion, and what
/// `provenance detector score` writes. <see cref="PHuman"/>/<see cref="PSynthetic"/>/<see cref="PMixed"/> are the
/// whole document's scores; <see cref="Class"/> is "mixed" also when confident segments disagree, and
/// <see cref="Confidence"/> is the confidence of the rule that chose the class (see <see cref="DocumentScorer"/>), null
/// when the detector abstains (class unknown: the scores are evidence, not a verdict).
/// </summary>
public sealed record DocumentVerdict(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("p_human")] float PHuman,
    [property: JsonPropertyName("p_synthetic")] float PSynthetic,
    [property: JsonPropertyName("p_mixed")] float PMixed,
    [property: JsonPropertyName("class")] DetectorClass Class,
    [property: JsonPropertyName("confidence")] double? Confidence,
    [property: JsonPropertyName("segments_disagree")] bool SegmentsDisagree,
    [property: JsonPropertyName("thresholds")] DetectorThresholds Thresholds,
    [property: JsonPropertyName("segments")] IReadOnlyList<SegmentScore> Segments)
{
    /// <summary>Decimals a confidence is stored with: finer digits are float noise, not evidence.</summary>
    public const int ConfidenceDecimals = 6;

    public string ToJson() => JsonSerializer.Serialize(this, VerdictJsonContext.Default.DocumentVerdict);
}

/// <summary>
/// Scores whole documents and their segments in one batched pass and applies the mixed-authorship rule: a
/// document is mixed when some segments are confidently human and others confidently machine-written, even if
/// the whole-document score averages that away. The worker and `provenance detector score` both decide with it.
/// </summary>
/// <remarks>
/// The confidence follows the rule that decided. From the whole document: P(human) for human, P(purely
/// machine-written) = P(synthetic) - P(mixed) for synthetic, P(mixed) for mixed. From disagreeing segments: the
/// claim is "segment A is human and segment B has machine text", so the confidence is the Fréchet lower bound of
/// that conjunction for the most confident pair, max(0, P_A(human) + P_B(synthetic) - 1), which holds whatever the
/// dependence between the two segments' errors; when the whole document is also called mixed, the larger of the
/// two. With the shipped thresholds a segment-rule verdict has confidence of at least about 0.73.
/// </remarks>
public sealed class DocumentScorer(ITextDetector detector, SegmentOptions? options = null)
{
    readonly SegmentOptions _segmentOptions = options ?? new SegmentOptions();

    public string ModelId => detector.ModelId;

    public DocumentVerdict Score(string document, CancellationToken ct = default) => Score([document], ct)[0];

    public IReadOnlyList<DocumentVerdict> Score(IReadOnlyList<string> documents, CancellationToken ct = default)
    {
        var scored = ScoreRaw(documents, ct);
        var verdicts = new DocumentVerdict[scored.Count];
        for (var d = 0; d < verdicts.Length; d++)
        {
            verdicts[d] = Verdict(detector.ModelId, scored[d], detector.Thresholds);
        }
        return verdicts;
    }

    /// <summary>
    /// The probabilities of every document and its segments, before any threshold is applied: what evaluation keeps
    /// so that thresholds can be chosen afterwards and the verdict rule replayed with <see cref="Verdict"/>.
    /// </summary>
    public IReadOnlyList<ScoredDocument> ScoreRaw(IReadOnlyList<string> documents, CancellationToken ct = default)
    {
        var texts = new List<string>(documents.Count * 2);
        var spans = new List<IReadOnlyList<TextSpan>>(documents.Count);
        foreach (var document in documents)
        {
            var text = document ?? "";
            texts.Add(text);
            var split = DocumentSegmenter.Split(text, _segmentOptions);
            // One segment is the document again; nothing to compare it with.
            spans.Add(split.Count > 1 ? split : []);
            foreach (var span in spans[^1])
            {
                texts.Add(text[span.Start..span.End]);
            }
        }

        var scores = detector.Score(texts, ct);
        var result = new ScoredDocument[documents.Count];
        var next = 0;
        for (var d = 0; d < documents.Count; d++)
        {
            var whole = scores[next++];
            var segments = new ScoredSegment[spans[d].Count];
            for (var s = 0; s < segments.Length; s++)
            {
                var score = scores[next++];
                segments[s] = new ScoredSegment(spans[d][s], score.PHuman, score.PMixed);
            }
            result[d] = new ScoredDocument(whole.PHuman, whole.PMixed, segments);
        }
        return result;
    }

    /// <summary>The verdict the rule gives <paramref name="scored"/> under <paramref name="thresholds"/>.</summary>
    public static DocumentVerdict Verdict(string model, ScoredDocument scored, DetectorThresholds thresholds)
    {
        var whole = TextScore.FromProbabilities(scored.PHuman, scored.PMixed, thresholds);
        var segments = new SegmentScore[scored.Segments.Count];
        for (var s = 0; s < segments.Length; s++)
        {
            var segment = scored.Segments[s];
            var pSynthetic = 1 - segment.PHuman;
            segments[s] = new SegmentScore(segment.Span.Start, segment.Span.End, segment.PHuman, pSynthetic, segment.PMixed,
                Read(pSynthetic, thresholds));
        }
        var (cls, confidence, disagree) = Decide(whole, segments);
        return new DocumentVerdict(model, whole.PHuman, whole.PSynthetic, whole.PMixed,
            cls, confidence is { } c ? Math.Round(c, DocumentVerdict.ConfidenceDecimals) : null, disagree, thresholds, segments);
    }

    static (DetectorClass Class, double? Confidence, bool SegmentsDisagree) Decide(TextScore whole, SegmentScore[] segments)
    {
        double bestHuman = -1, bestMachine = -1;
        foreach (var segment in segments)
        {
            if (segment.Reading == SegmentReading.Human)
            {
                bestHuman = Math.Max(bestHuman, segment.PHuman);
            }
            else if (segment.Reading == SegmentReading.Machine)
            {
                bestMachine = Math.Max(bestMachine, segment.PSynthetic);
            }
        }
        double? wholeConfidence = whole.Class switch
        {
            DetectorClass.Human => whole.PHuman,
            DetectorClass.Mixed => whole.PMixed,
            DetectorClass.Synthetic => Math.Max(0, (double)whole.PSynthetic - whole.PMixed),
            _ => null,
        };
        if (bestHuman < 0 || bestMachine < 0)
        {
            return (whole.Class, wholeConfidence, false);
        }
        var segmentConfidence = Math.Max(0, bestHuman + bestMachine - 1);
        return (DetectorClass.Mixed, whole.Class == DetectorClass.Mixed ? Math.Max(segmentConfidence, wholeConfidence!.Value) : segmentConfidence, true);
    }

    static SegmentReading Read(float pSynthetic, DetectorThresholds thresholds) =>
        pSynthetic <= thresholds.SegmentHuman ? SegmentReading.Human
        : pSynthetic >= thresholds.SegmentMachine ? SegmentReading.Machine
        : SegmentReading.Uncertain;
}

/// <summary>A document's and its segments' class probabilities, before thresholds.</summary>
public sealed record ScoredDocument(float PHuman, float PMixed, IReadOnlyList<ScoredSegment> Segments)
{
    public float PSynthetic => 1 - PHuman;
}

/// <summary>One segment's class probabilities.</summary>
public readonly record struct ScoredSegment(TextSpan Span, float PHuman, float PMixed);

[JsonSerializable(typeof(DocumentVerdict))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class VerdictJsonContext : JsonSerializerContext;
