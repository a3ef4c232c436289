using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Provenance.Contracts.Detection;
using Provenance.Data;
using Provenance.Data.Assertions;
using Provenance.Data.Detection;
using Provenance.Detection.Watermarks;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Generators;

namespace Provenance.Detection;

/// <summary>
/// Scores the documents of a round of <see cref="ClassifyDocuments"/> requests and records each verdict as a detector
/// assertion: evidence with the model, the three probabilities, the thresholds and the segment scores, never a fact.
/// MassTransit gathers the requests (up to a count or a wait); the detector batches the texts by length.
/// A verdict that says what this model's latest verdict on the document already says (same class, same confidence
/// at the stored precision) is not recorded again, so redelivery and rescoring do not grow the history.
/// The detector worker hosts it on RabbitMQ; the API hosts it on its in-process bus (<see cref="DetectionOptions.InProcess"/>).
/// </summary>
public sealed partial class ClassifyDocumentsConsumer(
    DocumentScorer scorer, ITextDetector detector, WatermarkChecks watermarks, DetectionQueries queries, AssertionWriter assertions,
    IOptions<DetectionOptions> options, ILogger<ClassifyDocumentsConsumer> logger) : IConsumer<Batch<ClassifyDocuments>>
{
    public async Task Consume(ConsumeContext<Batch<ClassifyDocuments>> context)
    {
        WarnAboutRescoresForOtherModels(context.Message);
        var ids = context.Message.SelectMany(m => m.Message.DocumentIds ?? []).Distinct().ToList();
        foreach (var chunk in ids.Chunk(options.Value.MaxDocumentsPerBatch))
        {
            var texts = await queries.TextsAsync(chunk, context.CancellationToken);
            if (texts.Count == 0)
            {
                continue;
            }
            var started = Stopwatch.GetTimestamp();
            IReadOnlyList<DocumentVerdict> verdicts;
            using (var span = RegistryTelemetry.Source.StartActivity("detector.score"))
            {
                span?.SetTag("provenance.documents", texts.Count);
                verdicts = scorer.Score([.. texts.Select(t => t.Text)], context.CancellationToken);
            }
            RegistryTelemetry.RecordVerdicts(detector.ModelId, verdicts.Select(v => ClassOf(v.Class)), Stopwatch.GetElapsedTime(started));
            var watermarked = FindWatermarks(texts, context.CancellationToken);
            // A verdict that says what this model last said about the document (class and confidence) is not recorded
            // again, nor a watermark found again. A watermark found outranks the model's verdicts, this round's and any
            // later one's (ProvenancePrecedence.IsWatermark), so it decides unless a declaration or a curator says otherwise.
            var appended = await assertions.AppendAsync(
                [.. texts.Select((t, i) => new NewAssertion(t.Id, AssertionKind.Detector, detector.ModelId, ClassOf(verdicts[i].Class),
                    verdicts[i].Confidence, EvidenceJson: verdicts[i].ToJson(), SkipIfRepeated: true)),
                 .. watermarked.Select(w => new NewAssertion(w.DocumentId, AssertionKind.Detector, w.Result.AssertedBy, ProvenanceClass.Synthetic,
                    w.Result.Confidence, w.Generator, EvidenceJson: w.Result.ToJson(), SkipIfRepeated: true))],
                context.CancellationToken);
            var current = appended.GroupBy(a => a.DocumentId).ToDictionary(g => g.Key, g => g.Last().CurrentClass);
            LogScored(logger, texts.Count, detector.ModelId, watermarked.Count, appended.Count, texts.Count + watermarked.Count - appended.Count);
            await context.Publish(new DocumentsClassified(detector.ModelId, [.. texts.Select((t, i) => new DocumentClassification(
                t.Id, WireNames.Of(ClassOf(verdicts[i].Class)), verdicts[i].PHuman, verdicts[i].PSynthetic, verdicts[i].PMixed,
                WireNames.Of(current.GetValueOrDefault(t.Id, ClassOf(verdicts[i].Class)))))]));
        }
    }

    /// <summary>
    /// The configured watermarks found in <paramref name="texts"/>. Only positive results are kept: a text in which no
    /// watermark is found may still be machine-written (another generator's, edited, or too short to score), so absence
    /// is never evidence of human text and is not recorded.
    /// </summary>
    List<(long DocumentId, GeneratorName Generator, WatermarkResult Result)> FindWatermarks(List<(long Id, string Text)> texts, CancellationToken ct)
    {
        var found = new List<(long, GeneratorName, WatermarkResult)>();
        if (watermarks.All.Count == 0)
        {
            return found;
        }
        using var span = RegistryTelemetry.Source.StartActivity("detector.watermarks");
        foreach (var text in texts)
        {
            ct.ThrowIfCancellationRequested();
            foreach (var check in watermarks.All)
            {
                if (check.Check(text.Text) is { Detected: true } result)
                {
                    found.Add((text.Id, check.Generator, result));
                }
            }
        }
        span?.SetTag("provenance.watermarked", found.Count);
        return found;
    }

    /// <summary>
    /// A rescore selects documents that models other than the one it names have scored; a detector scores with its own
    /// model whatever the request names. When the two differ the request was probably meant for other workers or
    /// named the wrong version: say so, since the verdicts recorded will be this detector's model's.
    /// </summary>
    void WarnAboutRescoresForOtherModels(Batch<ClassifyDocuments> batch)
    {
        foreach (var group in batch.Select(m => (Model: m.Headers.Get<string>(RescoreRequest.ModelHeader), Documents: m.Message.DocumentIds?.Count ?? 0))
                     .Where(r => !string.IsNullOrEmpty(r.Model) && !string.Equals(r.Model, detector.ModelId, StringComparison.Ordinal))
                     .GroupBy(r => r.Model!))
        {
            LogRescoreForOtherModel(logger, group.Sum(r => r.Documents), group.Key, detector.ModelId);
        }
    }

    /// <summary>
    /// The class a verdict records; the one place detector classes become registry classes. An abstaining detector
    /// (<see cref="DetectorClass.Unknown"/>, confidence null) is recorded as a detector assertion of class unknown, its
    /// scores kept as evidence.
    /// </summary>
    static ProvenanceClass ClassOf(DetectorClass c) => c switch
    {
        DetectorClass.Human => ProvenanceClass.Human,
        DetectorClass.Mixed => ProvenanceClass.Mixed,
        DetectorClass.Synthetic => ProvenanceClass.Synthetic,
        _ => ProvenanceClass.Unknown,
    };

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Scored {Documents} documents with {Model}, {Watermarked} of them carrying a configured watermark: {Recorded} new assertions recorded, "
            + "{Unchanged} unchanged since their asserter's last one")]
    static partial void LogScored(ILogger logger, int documents, string model, int watermarked, int recorded, int unchanged);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A rescore for {RequestedModel} sent {Documents} documents to this detector, which runs {Model}: they are scored with {Model}, "
            + "and those whose {Model} verdict is unchanged get no new assertion. A rescore should name the model the detector runs.")]
    static partial void LogRescoreForOtherModel(ILogger logger, int documents, string requestedModel, string model);
}
