using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Hosting;
using Provenance.Data.Documents;

namespace Provenance.Api.Documents;

/// <summary>Resolves the <c>{ref}</c> route value (an id or a content hash) of every per-document endpoint.</summary>
internal static class DocumentLookup
{
    public static async Task<(long Id, ProblemHttpResult? Problem)> ResolveAsync(string docRef, DocumentQueries queries, CancellationToken ct)
    {
        if (!DocumentRef.TryParse(docRef, out var parsed))
        {
            return (0, Problems.Invalid(
                $"'{docRef}' is neither a document id (a positive integer) nor a content hash (64 hex digits, optionally prefixed sha256:).",
                "invalid_document_ref"));
        }
        var id = await queries.FindIdAsync(parsed, ct);
        return id is null
            ? (0, Problems.NotFound($"no document is registered under {(parsed.Id is null ? "content hash" : "id")} {parsed}."))
            : (id.Value, null);
    }
}
