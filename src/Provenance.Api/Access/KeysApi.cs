using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Hosting;
using Provenance.Contracts.Access;
using Provenance.Data.Access;
using Provenance.Domain;
using Provenance.Domain.Access;

namespace Provenance.Api.Access;

internal static class KeysApi
{
    public static RouteGroupBuilder MapKeysApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/keys/me", GetCurrentKey).WithTags("Access").WithName(nameof(GetCurrentKey)).RequireAuthorization()
            .WithAccessProblems().WithSummary("The key that sends the request: its name, role and the role's permissions (any role).");
        var group = routes.MapGroup("/v1/keys").WithTags("Access").RequirePermission(Permission.ManageKeys).WithAccessProblems();
        group.MapPost("/", CreateKey).WithName(nameof(CreateKey)).WithSummary("Create an API key (admin). The secret is returned once.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status409Conflict).WithBodyLimit(BodyLimit.Small);
        group.MapGet("/", ListKeys).WithName(nameof(ListKeys)).WithSummary("List API keys, without their secrets (admin).");
        group.MapDelete("/{id:int}", RevokeKey).WithName(nameof(RevokeKey)).WithSummary("Revoke an API key (admin).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateKey(
        CreateApiKeyRequest request, ApiKeyStore store, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (!KeyNames.IsValid(name, out var problem))
        {
            return Problems.Invalid(problem, "invalid_key_name");
        }
        if (!WireNames.TryParse<ApiRole>(request.Role, out var role))
        {
            return Problems.Invalid(WireNames.Explain<ApiRole>("role", request.Role), "invalid_role");
        }
        if (await store.NameExistsAsync(name, ct))
        {
            return Problems.Conflict($"a key named '{name}' already exists; pick another name or revoke the old key.", "duplicate_key_name");
        }
        var (key, secret) = await store.CreateAsync(name, role, ct);
        return TypedResults.Created($"/v1/keys/{key.Id}",
            new CreatedApiKeyResponse(key.Id, key.Name, WireNames.Of(key.Role), secret, key.Prefix, key.CreatedAt));
    }

    static Ok<CurrentApiKeyResponse> GetCurrentKey(ClaimsPrincipal user)
    {
        WireNames.TryParse<ApiRole>(user.FindFirstValue(ClaimTypes.Role), out var role);
        return TypedResults.Ok(new CurrentApiKeyResponse(user.KeyName(), WireNames.Of(role),
            [.. Enum.GetValues<Permission>().Where(p => role.Allows(p)).Select(WireNames.Of)]));
    }

    static async Task<Ok<List<ApiKeyResponse>>> ListKeys(ApiKeyStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Select(ToResponse).ToList());

    static async Task<Results<Ok<ApiKeyResponse>, ProblemHttpResult>> RevokeKey(int id, ApiKeyStore store, ApiKeyCache cache, CancellationToken ct)
    {
        var key = await store.RevokeAsync(id, ct);
        if (key is null)
        {
            return Problems.NotFound($"there is no API key with id {id}.");
        }
        cache.Evict(key.Id);
        return TypedResults.Ok(ToResponse(key));
    }

    static ApiKeyResponse ToResponse(ApiKey k) => new(k.Id, k.Name, WireNames.Of(k.Role), k.Prefix, k.CreatedAt, k.RevokedAt);
}
