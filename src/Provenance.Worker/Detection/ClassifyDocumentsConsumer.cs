using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Contracts.Detection;
using Provenance.Data.Assertions;
using Provenance.Data.Detection;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Domain;
using Provenance.Domain.Assertions;

namespace Provenance.Worker.Detection;

/// <summary>
/// Scores the documents of a round of <see cref="ClassifyDocuments"/> requests and records each verdict as a detector
/// assertion: evidence with the model, the three probabilities, the thresholds and the segment scores, never a fact.
/// MassTransit gathers the requests (up to a count or a wait); the detector batches the texts by length.
/// </summary>
public sealed partial class ClassifyDocumentsConsumer(
    DocumentScorer scorer, TextDetector detector, DetectionQueries queries, AssertionWriter assertions,
    IOptions<DetectionOptions> options, ILogger<ClassifyDocumentsConsumer> logger) : IConsumer<Batch<ClassifyDocuments>>
{
    public async Task Consume(ConsumeContext<Batch<ClassifyDocuments>> context)
    {
        var ids = context.Message.SelectMany(m => m.Message.DocumentIds ?? []).Distinct().ToList();
        foreach (var chunk in ids.Chunk(options.Value.MaxDocumentsPerBatch))
        {
            var texts = await queries.TextsAsync(chunk, context.CancellationToken);
            if (texts.Count == 0)
            {
                continue;
            }
            var verdicts = scorer.Score([.. texts.Select(t => t.Text)], context.CancellationToken);
            var appended = await assertions.AppendAsync(
                [.. texts.Select((t, i) => new NewAssertion(t.Id, AssertionKind.Detector, detector.ModelId, ClassOf(verdicts[i].Class),
                    Confidence(verdicts[i]), EvidenceJson: verdicts[i].ToJson(), SkipIfRepeated: true))],
                context.CancellationToken);
            var current = appended.ToDictionary(a => a.DocumentId, a => a.CurrentClass);
            LogScored(logger, texts.Count, appended.Count, detector.ModelId);
            await context.Publish(new DocumentsClassified(detector.ModelId, [.. texts.Select((t, i) => new DocumentClassification(
                t.Id, WireNames.Of(ClassOf(verdicts[i].Class)), verdicts[i].PHuman, verdicts[i].PSynthetic, verdicts[i].PMixed,
                WireNames.Of(current.GetValueOrDefault(t.Id, ClassOf(verdicts[i].Class)))))]));
        }
    }

    static ProvenanceClass ClassOf(DetectorClass c) => c switch
    {
        DetectorClass.Human => ProvenanceClass.Human,
        DetectorClass.Mixed => ProvenanceClass.Mixed,
        _ => ProvenanceClass.Synthetic,
    };

    /// <summary>The probability of the class the verdict chose.</summary>
    static double Confidence(DocumentVerdict v) => Math.Round(v.Class switch
    {
        DetectorClass.Human => v.PHuman,
        DetectorClass.Mixed => v.PMixed,
        _ => v.PSynthetic - v.PMixed,
    }, 6);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scored {Documents} documents with {Model}; {Recorded} new verdicts recorded")]
    static partial void LogScored(ILogger logger, int documents, int recorded, string model);
}

/// <summary>Queue, batching and retries of <see cref="ClassifyDocumentsConsumer"/>.</summary>
public sealed class ClassifyDocumentsConsumerDefinition : ConsumerDefinition<ClassifyDocumentsConsumer>
{
    readonly DetectionOptions _options;

    public ClassifyDocumentsConsumerDefinition(IOptions<DetectionOptions> options)
    {
        _options = options.Value;
        EndpointName = _options.Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ClassifyDocumentsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // The broker must hand over at least a whole round of requests at once for the batch to fill.
        endpointConfigurator.PrefetchCount = Math.Max(_options.MaxMessagesPerBatch * 2, 16);
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(_options.MaxMessagesPerBatch)
            .SetTimeLimit(TimeSpan.FromMilliseconds(_options.MaxWaitMilliseconds))
            .SetConcurrencyLimit(1));
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(8, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(500));
            r.Handle<Npgsql.NpgsqlException>(e => e.IsTransient);
        });
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
