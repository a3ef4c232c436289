using Provenance.Client;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Ingestion;
using Provenance.Messaging.Ingestion;

namespace Provenance.Cli.Ingestion;

/// <summary>Sends batches to <c>POST /v1/documents/batch</c>, for registries that run without a broker.</summary>
internal sealed class HttpBatchSink(ProvenanceClient client) : IBatchSink
{
    public int Resent => 0;

    public async Task<BatchConfirmation> SendAsync(RegisterDocuments batch, CancellationToken ct)
    {
        var answer = await client.RegisterBatchAsync([.. batch.Documents.Select(d => new RegisterDocumentRequest(
            d.Text, d.Url, d.CrawledAt, d.Language, d.Licence,
            d.Declared is { } x ? new DeclaredProvenanceRequest(x.Class, x.Generator, x.DigitalSourceType, x.Confidence, x.C2pa) : null,
            d.Parents?.Select(p => new ParentReferenceRequest(p.Id, p.ContentHash, p.Relation, p.Generator, p.ParamsHash)).ToList()))], ct);
        return new BatchConfirmation(answer.Created, answer.Existing,
            [.. answer.Results.Where(r => r.Status == "rejected").Select(r => new RejectedDocument(r.Index, r.ContentHash, r.Code ?? "rejected", r.Reason ?? ""))]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
