using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Datasets;
using Provenance.Api.Documents;
using Provenance.Api.Lineage;
using Provenance.Contracts.Prov;
using Provenance.Data.Datasets;
using Provenance.Data.Documents;
using Provenance.Data.Prov;

namespace Provenance.Api.Prov;

/// <summary>
/// W3C PROV-JSON views of a document's lineage and of a dataset version. They are mapped in the Lineage and Datasets
/// groups, so they answer to the same permission and problems as the rest of those features.
/// </summary>
internal static class ProvApi
{
    /// <param name="maxDepth">Generations to walk, 1..1000 (default 32).</param>
    /// <param name="relation">Only follow these relations (repeat the parameter or separate with commas).</param>
    public static async Task<Results<Ok<ProvDocument>, ProblemHttpResult>> GetDocumentProv(
        string @ref, int? maxDepth, string[]? relation, DocumentQueries documents, ProvQueries prov, CancellationToken ct)
    {
        if (WalkParameters.TryParse(maxDepth, relation, out var depth, out var relations) is { } invalid)
        {
            return invalid;
        }
        var (id, problem) = await DocumentLookup.ResolveAsync(@ref, documents, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok(await prov.DocumentAsync(id, depth, relations, ct));
    }

    public static async Task<Results<Ok<ProvDocument>, ProblemHttpResult>> GetDatasetProv(
        string @ref, DatasetQueries datasets, ProvQueries prov, CancellationToken ct)
    {
        var (id, problem) = await DatasetsApi.ResolveAsync(@ref, datasets, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok((await prov.DatasetAsync(id, ct))!);
    }
}
