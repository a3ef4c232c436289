using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Provenance.Data.Access;
using Provenance.Domain;
using Provenance.Domain.Access;

namespace Provenance.Api.Access;

/// <summary>Authenticates requests by the <c>X-Api-Key</c> header against the hashed keys in the registry.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    ApiKeyCache cache, FailedKeyThrottle throttle, IOptions<AccessOptions> throttleOptions, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    // Set when the caller's address is throttled, so that the challenge answers 429 instead of 401.
    static readonly object RetryAfterItem = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values) || string.IsNullOrWhiteSpace(values.ToString()))
        {
            return AuthenticateResult.NoResult();
        }
        var secret = values.ToString().Trim();
        if (!cache.TryGet(secret, out var key))
        {
            var address = Context.Connection.RemoteIpAddress;
            if (throttle.RetryAfter(address) is { } wait)
            {
                Context.Items[RetryAfterItem] = wait;
                return AuthenticateResult.Fail("too many failed keys from this address");
            }
            key = await cache.FindAsync(secret, Context.RequestServices, Context.RequestAborted);
            if (key is null)
            {
                throttle.RecordFailure(address);
                return AuthenticateResult.Fail("unknown or revoked key");
            }
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, key.Name), new Claim(ClaimTypes.Role, WireNames.Of(key.Role)), new Claim("key_id", key.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[RetryAfterItem] is TimeSpan wait)
        {
            var seconds = (int)Math.Ceiling(wait.TotalSeconds);
            Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return WriteAsync(StatusCodes.Status429TooManyRequests, "Too many failed API keys",
                $"Requests from this address sent {throttleOptions.Value.MaxFailedKeys} unknown or revoked keys within "
                + $"{throttleOptions.Value.FailedKeyWindowSeconds} s, so its keys are not looked up for {seconds} s more. "
                + $"Check the {HeaderName} header, wait, and retry.",
                "too_many_failed_keys");
        }
        var sent = Request.Headers.ContainsKey(HeaderName);
        return WriteAsync(StatusCodes.Status401Unauthorized, "Authentication required",
            sent
                ? $"The {HeaderName} header does not hold an active API key: it is unknown or has been revoked. Ask an admin for a key."
                : $"Send an API key in the {HeaderName} header. Every endpoint except /health, /health/live, /health/ready, /metrics, /docs, /openapi/v1.json and the console under /console/ needs one.",
            sent ? "invalid_api_key" : "missing_api_key");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirstValue(ClaimTypes.Role) ?? "none";
        var name = Context.User.Identity?.Name ?? "?";
        var policy = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault(p => p is not null);
        var needed = Enum.TryParse<Permission>(policy, out var permission)
            ? $"one of the roles {string.Join(", ", Permissions.RolesWith(permission).Select(WireNames.Of))}"
            : "another role";
        return WriteAsync(StatusCodes.Status403Forbidden, "Not allowed for this key's role",
            $"This endpoint needs {needed}; the key '{name}' has the role {role}.", "forbidden");
    }

    async Task WriteAsync(int status, string title, string detail, string code)
    {
        Response.StatusCode = status;
        if (status == StatusCodes.Status401Unauthorized)
        {
            Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        }
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = Context, ProblemDetails = problem });
    }
}

/// <summary>
/// Remembers verified keys for a short while, so that a busy client costs neither a database query nor (for the
/// bootstrap key) a slow hash per request. Entries are named by the SHA-256 of the secret, in memory only. Failed
/// lookups are not remembered: <see cref="FailedKeyThrottle"/> answers repeated failures. Revocation through the API
/// evicts at once; a key revoked elsewhere stops working within <see cref="Lifetime"/>.
/// </summary>
internal sealed class ApiKeyCache(IMemoryCache cache)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    // One token per cached key id, cancelled when that key is revoked, which expires every entry naming it.
    readonly ConcurrentDictionary<int, CancellationTokenSource> _revocations = new();

    public bool TryGet(string secret, [NotNullWhen(true)] out ApiKey? key) =>
        cache.TryGetValue(CacheKey(secret), out key) && key is not null;

    public async Task<ApiKey?> FindAsync(string secret, IServiceProvider services, CancellationToken ct)
    {
        var key = await services.GetRequiredService<ApiKeyStore>().FindActiveAsync(secret, ct);
        if (key is not null)
        {
            var revoked = _revocations.GetOrAdd(key.Id, _ => new CancellationTokenSource());
            cache.Set(CacheKey(secret), key, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime }
                .AddExpirationToken(new CancellationChangeToken(revoked.Token)));
        }
        return key;
    }

    public void Evict(int keyId)
    {
        if (_revocations.TryRemove(keyId, out var revoked))
        {
            revoked.Cancel();
        }
    }

    static string CacheKey(string secret) => "apikey:" + Convert.ToHexString(ApiKeyHashes.OfGenerated(secret));
}

/// <summary>How endpoints name the caller and ask for a permission.</summary>
internal static class AccessEndpoints
{
    /// <summary>The name of the key that made the request: the registrant or asserter recorded in the registry.</summary>
    public static string KeyName(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";

    /// <summary>Declares the 401, 403 and 429 problem answers every protected endpoint can give.</summary>
    public static RouteGroupBuilder WithAccessProblems(this RouteGroupBuilder group) =>
        group.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    /// <inheritdoc cref="WithAccessProblems(RouteGroupBuilder)"/>
    public static RouteHandlerBuilder WithAccessProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

    public static RouteGroupBuilder RequirePermission(this RouteGroupBuilder group, Permission permission) =>
        group.RequireAuthorization(permission.ToString());

    public static RouteHandlerBuilder RequirePermission(this RouteHandlerBuilder endpoint, Permission permission) =>
        endpoint.RequireAuthorization(permission.ToString());
}
