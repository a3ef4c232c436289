using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Api.Hosting;
using Provenance.Contracts.Datasets;
using Provenance.Data.Datasets;
using Provenance.Domain.Access;
using Provenance.Domain.Datasets;

namespace Provenance.Api.Datasets;

internal static class DatasetsApi
{
    public static IEndpointRouteBuilder MapDatasetsApi(this IEndpointRouteBuilder routes)
    {
        var assemble = routes.MapGroup("/v1/datasets").WithTags("Datasets").RequirePermission(Permission.AssembleDatasets).WithAccessProblems();
        assemble.MapPost("/", AssembleDataset).WithName(nameof(AssembleDataset))
            .WithSummary("Assemble an immutable dataset version from a mix spec; with ?dryRun=true, show what it would be without storing it.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity).WithBodyLimit(BodyLimit.Small);

        var reads = routes.MapGroup("/v1/datasets").WithTags("Datasets").RequirePermission(Permission.Read).WithAccessProblems()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        reads.MapGet("/", ListDatasets).WithName(nameof(ListDatasets)).WithSummary("Every dataset and its versions.");
        reads.MapGet("/{ref}", GetDatasetVersion).WithName(nameof(GetDatasetVersion))
            .WithSummary("A version (id, name@N, or a name for its latest) and its manifest: spec, base, stats, collapse-risk report, manifest hash.");
        reads.MapGet("/{ref}/manifest", GetDatasetManifest).WithName(nameof(GetDatasetManifest))
            .WithSummary("The canonical manifest with its document list: the exact bytes whose SHA-256 is the manifest hash.");
        reads.MapGet("/{ref}/documents", GetDatasetDocuments).WithName(nameof(GetDatasetDocuments))
            .WithSummary("The version's documents in order, as NDJSON with their texts; resume with ?offset=.");
        reads.MapGet("/{ref}/chain", GetDatasetChain).WithName(nameof(GetDatasetChain))
            .WithSummary("The version and the versions it accumulates on, the first of the chain first.");
        return routes;
    }

    /// <param name="dryRun">Assemble and report, but store nothing.</param>
    static async Task<Results<Created<DatasetVersionResponse>, Ok<DatasetVersionResponse>, Ok<DatasetPreviewResponse>, ProblemHttpResult>> AssembleDataset(
        DatasetSpec spec, bool? dryRun, DatasetAssembler assembler, ClaimsPrincipal user, CancellationToken ct)
    {
        var result = dryRun == true ? await assembler.PreviewAsync(spec, ct) : await assembler.AssembleAsync(spec, user.KeyName(), ct);
        return result switch
        {
            AssemblyStored { Created: true } stored => TypedResults.Created($"/v1/datasets/{stored.Version.Id}", stored.Version),
            AssemblyStored stored => TypedResults.Ok(stored.Version),
            AssemblyPreviewed preview => TypedResults.Ok(preview.Preview),
            AssemblyRefused refused => Refused(refused),
            _ => throw new InvalidOperationException($"unexpected assembly result {result.GetType().Name}"),
        };
    }

    static async Task<Ok<IReadOnlyList<DatasetResponse>>> ListDatasets(DatasetQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(ct));

    static async Task<Results<Ok<DatasetVersionResponse>, ProblemHttpResult>> GetDatasetVersion(string @ref, DatasetQueries queries, CancellationToken ct)
    {
        var (id, problem) = await ResolveAsync(@ref, queries, ct);
        return problem ?? (Results<Ok<DatasetVersionResponse>, ProblemHttpResult>)TypedResults.Ok((await queries.GetAsync(id, "stored", ct))!);
    }

    static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> GetDatasetManifest(
        string @ref, DatasetQueries queries, HttpResponse response, CancellationToken ct)
    {
        var (id, problem) = await ResolveAsync(@ref, queries, ct);
        if (problem is not null)
        {
            return problem;
        }
        var version = (await queries.GetAsync(id, "stored", ct))!;
        response.Headers.ETag = $"\"{version.ManifestHash}\"";
        return TypedResults.Stream(stream => queries.WriteManifestAsync(id, stream, ct), "application/json");
    }

    /// <param name="offset">Position to start from (0 = the first document); lines carry their offset, so a reader that stopped resumes with the next one.</param>
    /// <param name="limit">Most documents to send.</param>
    /// <param name="text">false leaves the texts out (metadata only).</param>
    static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> GetDatasetDocuments(
        string @ref, long? offset, long? limit, bool? text, DatasetQueries queries, CancellationToken ct)
    {
        if (offset is < 0)
        {
            return Problems.Invalid($"offset {offset} is negative; the first document is at offset 0.", "invalid_offset");
        }
        if (limit is < 1)
        {
            return Problems.Invalid($"limit {limit} is not positive.", "invalid_limit");
        }
        var (id, problem) = await ResolveAsync(@ref, queries, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Stream(async stream =>
        {
            var buffer = new MemoryStream(1 << 17);
            await using var json = new Utf8JsonWriter(buffer);
            await foreach (var document in queries.DocumentsAsync(id, offset ?? 0, limit, text ?? true, ct))
            {
                JsonSerializer.Serialize(json, document, JsonSerializerOptions.Web);
                await json.FlushAsync(ct);
                json.Reset();
                buffer.WriteByte((byte)'\n');
                if (buffer.Length >= 1 << 16)
                {
                    await stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
                    buffer.SetLength(0);
                }
            }
            await stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
        }, "application/x-ndjson");
    }

    static async Task<Results<Ok<IReadOnlyList<DatasetVersionSummary>>, ProblemHttpResult>> GetDatasetChain(string @ref, DatasetQueries queries, CancellationToken ct)
    {
        var (id, problem) = await ResolveAsync(@ref, queries, ct);
        return problem ?? (Results<Ok<IReadOnlyList<DatasetVersionSummary>>, ProblemHttpResult>)TypedResults.Ok(await queries.ChainAsync(id, ct));
    }

    static async Task<(long Id, ProblemHttpResult? Problem)> ResolveAsync(string versionRef, DatasetQueries queries, CancellationToken ct)
    {
        if (!DatasetVersionRef.TryParse(versionRef, out var parsed))
        {
            return (0, Problems.Invalid(
                $"'{versionRef}' is not a dataset version: write a version id (42), name@N (web-en@3) or a dataset name for its latest version.",
                "invalid_dataset_ref"));
        }
        return await queries.FindAsync(parsed, ct) is { } id
            ? (id, null)
            : (0, Problems.NotFound($"there is no dataset version {parsed}; list them with GET /v1/datasets."));
    }

    static ProblemHttpResult Refused(AssemblyRefused refused) => refused.Code switch
    {
        AssemblyRefused.InvalidSpec => Problems.Invalid(refused.Detail, refused.Code),
        AssemblyRefused.UnknownBase => Problems.Unprocessable(refused.Detail, refused.Code),
        _ => TypedResults.Problem(detail: refused.Detail, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The mix cannot be assembled",
            extensions: new Dictionary<string, object?>
            {
                ["code"] = refused.Code,
                ["shortfalls"] = refused.Shortfalls.Select(s => new { s.Constraint, s.Needed, s.Available, s.Missing, s.Explanation }).ToList(),
            }),
    };
}
