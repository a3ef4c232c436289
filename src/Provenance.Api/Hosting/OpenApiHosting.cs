using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Provenance.Api.Access;
using Scalar.AspNetCore;

namespace Provenance.Api.Hosting;

internal static class OpenApiHosting
{
    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c>, with the API-key scheme on every protected operation.</summary>
    public static IHostApplicationBuilder AddRegistryOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Provenance registry",
                    Version = "v1",
                    Description = "Content-addressed registry of training documents: provenance class (human, synthetic, mixed, "
                        + "unknown) from an append-only assertion history, and generation lineage. Errors are RFC 7807 problem "
                        + "details with a machine-readable `code`. Send your key in the `X-Api-Key` header.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = ApiKeyAuthenticationHandler.HeaderName,
                    Description = "An API key. Roles: crawler (register), curator (read, assert), trainer (read, datasets), admin (everything, keys).",
                };
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                var authorize = context.Description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().LastOrDefault(a => a.Policy is not null);
                if (authorize is not null)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = [],
                    });
                    operation.Description = $"Requires the {authorize.Policy} permission.";
                }
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>
    /// <c>/openapi/v1.json</c> and a browsable reference at <c>/docs</c>; neither needs a key. The reference works
    /// offline and sends nothing to its vendor: its scripts are served from the package, its fonts are the browser's,
    /// and its telemetry, AI agent and MCP integration are off. Its inline scripts carry a per-request nonce, which
    /// <see cref="SecurityHeaders"/> puts in the page's Content-Security-Policy.
    /// </summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("Provenance registry API")
                .WithNonce().DisableDefaultFonts().DisableTelemetry().DisableAgent().DisableMcp())
            .AllowAnonymous();
        app.MapGet("/", () => TypedResults.Redirect("/docs")).ExcludeFromDescription().AllowAnonymous();
        return app;
    }
}
