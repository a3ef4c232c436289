using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Access;
using Provenance.Api.Hosting;
using Provenance.Contracts.Generators;
using Provenance.Data.Generators;
using Provenance.Domain;
using Provenance.Domain.Access;
using Provenance.Domain.Generators;

namespace Provenance.Api.Generators;

internal static class GeneratorsApi
{
    public static IEndpointRouteBuilder MapGeneratorsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/generators").WithTags("Generators").WithAccessProblems();
        group.MapGet("/", ListGenerators).WithName(nameof(ListGenerators)).RequirePermission(Permission.Read)
            .WithSummary("Models named by registrations and assertions, with how many documents each one decides.");
        group.MapPut("/{generator}", UpdateGenerator).WithName(nameof(UpdateGenerator)).RequirePermission(Permission.Assert)
            .WithSummary("Set a generator's vendor and family (curator). The route value is name@version.")
            .ProducesProblem(StatusCodes.Status400BadRequest).WithBodyLimit(BodyLimit.Small);
        return group;
    }

    static async Task<Ok<List<GeneratorResponse>>> ListGenerators(GeneratorQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(ct));

    static async Task<Results<Ok<GeneratorResponse>, ProblemHttpResult>> UpdateGenerator(
        string generator, UpdateGeneratorRequest request, GeneratorQueries queries, CancellationToken ct)
    {
        if (!GeneratorName.TryParse(generator, out var name, out var error))
        {
            return Problems.Invalid(error!, "invalid_generator");
        }
        if (request.Vendor is { Length: > 200 } || request.Family is { Length: > 200 })
        {
            return Problems.Invalid("vendor and family are limited to 200 characters.", "invalid_generator");
        }
        if ((StoredValues.Line("vendor", request.Vendor?.Trim()) ?? StoredValues.Line("family", request.Family?.Trim())) is { } unstorable)
        {
            return Problems.Invalid(unstorable, "invalid_generator");
        }
        return TypedResults.Ok(await queries.UpsertAsync(name, request.Vendor?.Trim(), request.Family?.Trim(), ct));
    }
}
