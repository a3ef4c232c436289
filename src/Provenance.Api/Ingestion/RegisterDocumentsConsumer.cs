using MassTransit;
using Microsoft.Extensions.Options;
using Provenance.Api.Detection;
using Provenance.Api.Documents;
using Provenance.Api.Hosting;
using Provenance.Contracts.Ingestion;
using Provenance.Data.Registration;
using Provenance.Domain;
using Provenance.Domain.Documents;
using Provenance.Messaging.Ingestion;

namespace Provenance.Api.Ingestion;

/// <summary>
/// Registers a crawler's batch in one transaction (the same bulk path as <c>POST /v1/documents/batch</c>), then
/// answers. Redelivery is normal and harmless: the same texts map to the same documents, and a sighting is
/// identified by (document, URI, crawl time), so a batch processed twice changes nothing the second time.
/// </summary>
public sealed class RegisterDocumentsConsumer(RegistrationWriter writer, DetectionRequester detection, IOptions<RegistryOptions> options)
    : IConsumer<RegisterDocuments>
{
    public async Task Consume(ConsumeContext<RegisterDocuments> context)
    {
        var batch = context.Message;
        Check(batch, options.Value);
        // A document without a crawl time gets the time the batch was sent, which redelivery does not change.
        var fallbackTime = context.SentTime is { } sent ? new DateTimeOffset(sent, TimeSpan.Zero) : DateTimeOffset.UtcNow;
        var submissions = batch.Documents.Select(d => d is null ? null! : Registrations.ToSubmission(d, batch, fallbackTime)).ToList();

        var results = await writer.RegisterAsync(submissions, batch.CrawlerId, context.CancellationToken);

        var registered = results.Where(r => r.Status != RegistrationStatus.Rejected)
            .Select(r => new RegisteredDocument(r.Index, r.Id!.Value, r.Hash!.Value.ToString(), WireNames.Of(r.Class!.Value), r.Depth, r.Status == RegistrationStatus.Created))
            .ToList();
        var rejected = results.Where(r => r.Status == RegistrationStatus.Rejected)
            .Select(r => new RejectedDocument(r.Index, r.Hash?.ToString(), Registrations.Code(r.Code), r.Reason!))
            .ToList();
        var registeredEvent = new DocumentsRegistered(batch.BatchId, registered,
            registered.Count(r => r.Created), registered.Count(r => !r.Created), rejected.Count);

        // The endpoint's in-memory outbox holds these until Consume returns, i.e. after the commit above.
        await detection.RequestForNewUnknownAsync(context, results, context.CancellationToken);
        await context.Publish(registeredEvent);
        if (rejected.Count > 0)
        {
            await context.Publish(new DocumentsRejected(batch.BatchId, rejected));
        }
        if (context.ResponseAddress is not null)
        {
            await context.RespondAsync(registeredEvent);
            if (rejected.Count > 0)
            {
                await context.RespondAsync(new DocumentsRejected(batch.BatchId, rejected));
            }
        }
    }

    /// <summary>A batch that can never be processed goes to the error queue, with this reason in its headers.</summary>
    static void Check(RegisterDocuments batch, RegistryOptions limits)
    {
        if (batch.BatchId == Guid.Empty)
        {
            throw new InvalidBatchException("the batch has no batchId; give every batch a unique id and keep it when re-sending.");
        }
        if (Registrations.CheckBatch(batch.Documents, d => d.Text, limits) is { } problem)
        {
            throw new InvalidBatchException(problem.Detail);
        }
        if (string.IsNullOrWhiteSpace(batch.CrawlerId))
        {
            throw new InvalidBatchException("the batch has no crawlerId; say which crawler sent it.");
        }
        if (StoredValues.Line("crawlerId", batch.CrawlerId.Trim()) is { } unstorable)
        {
            throw new InvalidBatchException(unstorable);
        }
    }
}
