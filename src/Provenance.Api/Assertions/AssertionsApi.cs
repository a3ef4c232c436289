using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Api.Documents;
using Provenance.Api.Hosting;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Documents;
using Provenance.Data.Assertions;
using Provenance.Data.Documents;
using Provenance.Domain;
using Provenance.Domain.Access;
using Provenance.Domain.Assertions;
using Provenance.Domain.Generators;

namespace Provenance.Api.Assertions;

internal static class AssertionsApi
{
    public const int MaxEvidenceBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapAssertionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/documents/{ref}/assertions").WithTags("Assertions").WithAccessProblems()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/", AssertClass).WithName(nameof(AssertClass)).RequirePermission(Permission.Assert)
            .WithSummary("A curator asserts a document's class. Appended to the history; curator assertions take precedence.")
            .WithBodyLimit(BodyLimit.Assertion);
        group.MapGet("/", GetAssertions).WithName(nameof(GetAssertions)).RequirePermission(Permission.Read)
            .WithSummary("The document's assertion history, oldest first.");
        return routes;
    }

    static async Task<Results<Created<AssertClassResponse>, ProblemHttpResult>> AssertClass(
        string @ref, AssertClassRequest request, DocumentQueries documents, AssertionWriter writer, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!WireNames.TryParse<ProvenanceClass>(request.Class, out var cls))
        {
            return Problems.Invalid(WireNames.Explain<ProvenanceClass>("class", request.Class), "invalid_class");
        }
        if (request.Confidence is { } c && (double.IsNaN(c) || c < 0 || c > 1))
        {
            return Problems.Invalid($"confidence {c} is outside 0..1.", "invalid_confidence");
        }
        GeneratorName? generator = null;
        if (request.Generator is not null)
        {
            if (!GeneratorName.TryParse(request.Generator, out var g, out var error))
            {
                return Problems.Invalid(error!, "invalid_generator");
            }
            if (cls is ProvenanceClass.Human or ProvenanceClass.Unknown)
            {
                return Problems.Invalid($"a generator goes with synthetic or mixed text, not '{WireNames.Of(cls)}'.", "invalid_generator");
            }
            generator = g;
        }
        if (request.Evidence is { } ev && ev.ValueKind != JsonValueKind.Object)
        {
            return Problems.Invalid("evidence must be a JSON object.", "invalid_evidence");
        }
        if (request.Evidence is { } stored && StoredValues.Json("evidence", stored) is { } unstorable)
        {
            return Problems.Invalid(unstorable, "invalid_evidence");
        }
        if (StoredValues.FreeText("note", request.Note) is { } badNote)
        {
            return Problems.Invalid(badNote, "invalid_note");
        }
        var evidence = BuildEvidence(request);
        if (evidence is { Length: > MaxEvidenceBytes })
        {
            return Problems.Invalid($"evidence and note together are {evidence.Length:N0} bytes; the limit is {MaxEvidenceBytes:N0}.", "invalid_evidence");
        }
        var (id, problem) = await DocumentLookup.ResolveAsync(@ref, documents, ct);
        if (problem is not null)
        {
            return problem;
        }

        var appended = (await writer.AppendAsync(
            [new NewAssertion(id, AssertionKind.Curator, user.KeyName(), cls, request.Confidence, generator, evidence)], ct))[0];

        var assertion = new AssertionResponse(appended.Id, WireNames.Of(AssertionKind.Curator), user.KeyName(), WireNames.Of(cls),
            request.Confidence, generator?.ToString(), EvidenceJson.Parse(evidence), appended.AssertedAt,
            appended.Effective);
        return TypedResults.Created($"/v1/documents/{id}/assertions",
            new AssertClassResponse(assertion, WireNames.Of(appended.CurrentClass), appended.CurrentDepth));
    }

    static async Task<Results<Ok<IReadOnlyList<AssertionResponse>>, ProblemHttpResult>> GetAssertions(
        string @ref, DocumentQueries documents, CancellationToken ct)
    {
        var (id, problem) = await DocumentLookup.ResolveAsync(@ref, documents, ct);
        if (problem is not null)
        {
            return problem;
        }
        return TypedResults.Ok((await documents.GetAsync(id, includeText: false, ct))!.Assertions);
    }

    static string? BuildEvidence(AssertClassRequest request)
    {
        if (request.Evidence is null && request.Note is null)
        {
            return null;
        }
        var evidence = request.Evidence is { } e
            ? JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(e.GetRawText())!
            : [];
        if (request.Note is not null)
        {
            evidence["note"] = JsonSerializer.SerializeToElement(request.Note);
        }
        return JsonSerializer.Serialize(evidence);
    }
}
