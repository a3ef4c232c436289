using Microsoft.AspNetCore.Authentication;
using Provenance.Api.Access;
using Provenance.Domain;
using Provenance.Domain.Access;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Hosting;

internal static class AccessHosting
{
    /// <summary>
    /// API keys (the <c>X-Api-Key</c> header), the throttle on failed ones (the <c>Access</c> section) and one
    /// authorization policy per permission.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AccessOptions>(AccessOptions.Section, AccessOptions.Check);
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ApiKeyCache>();
        builder.Services.AddSingleton<FailedKeyThrottle>();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(o =>
        {
            // One policy per permission; which roles hold it is decided in one place, Permissions.Allows.
            foreach (var permission in Enum.GetValues<Permission>())
            {
                o.AddPolicy(permission.ToString(), p => p.RequireAuthenticatedUser()
                    .RequireRole(Permissions.RolesWith(permission).Select(WireNames.Of)));
            }
        });
        return builder;
    }
}
