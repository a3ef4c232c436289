using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Provenance.Contracts.Documents;

namespace Provenance.Api.Hosting;

internal static class ErrorHandling
{
    /// <summary>Every error leaves as RFC 7807 problem details, with a trace id for the logs.</summary>
    public static IHostApplicationBuilder AddRegistryProblemDetails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
        {
            ctx.ProblemDetails.Extensions.TryAdd("traceId", ctx.HttpContext.TraceIdentifier);
            if (ctx.ProblemDetails.Detail is null && FrameworkProblem(ctx.HttpContext) is { } framework)
            {
                ctx.ProblemDetails.Detail = framework.Detail;
                ctx.ProblemDetails.Extensions.TryAdd("code", framework.Code);
            }
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures (malformed JSON, a wrong route value) throw, so the handler below can say what was wrong
        // instead of returning an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return builder;
    }

    // Responses produced by the framework itself (no route, wrong method, wrong content type, a body over Kestrel's
    // limit) get a detail and a code too.
    static (string Detail, string Code)? FrameworkProblem(HttpContext http) => http.Response.StatusCode switch
    {
        StatusCodes.Status404NotFound => ($"There is no endpoint at {http.Request.Method} {http.Request.Path}. The API is described at /docs.", "not_found"),
        StatusCodes.Status405MethodNotAllowed => ($"{http.Request.Path} does not accept {http.Request.Method}. The API is described at /docs.", "method_not_allowed"),
        StatusCodes.Status413PayloadTooLarge => (BodyLimit.TooLarge(http), "body_too_large"),
        StatusCodes.Status415UnsupportedMediaType => ("Send the body as JSON with Content-Type: application/json.", "unsupported_media_type"),
        StatusCodes.Status500InternalServerError => ("The registry failed to handle the request; nothing was written. Quote the traceId when you report it.", "internal_error"),
        _ => null,
    };

    public static WebApplication UseRegistryErrors(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}

/// <summary>Turns request-binding failures into a 400 (or 413) that quotes the parser's complaint.</summary>
internal sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad)
        {
            return false;
        }
        var (title, detail, code) = Describe(bad, http);
        http.Response.StatusCode = bad.StatusCode;
        var problem = new ProblemDetails { Status = bad.StatusCode, Title = title, Detail = detail };
        problem.Extensions["code"] = code;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    static (string Title, string Detail, string Code) Describe(BadHttpRequestException bad, HttpContext http)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ("The request body is too large", BodyLimit.TooLarge(http), "body_too_large");
        }
        var chain = new List<Exception>();
        for (var e = bad.InnerException; e is not null; e = e.InnerException)
        {
            chain.Add(e);
        }
        var where = chain.OfType<JsonException>().Select(j => j.Path).FirstOrDefault(p => p is not null);
        var at = where is null ? "" : $" (at {where})";
        if (chain.OfType<JsonException>().Select(j => UnmappedMember().Match(j.Message)).FirstOrDefault(m => m.Success) is { } unmapped)
        {
            var (member, type) = (unmapped.Groups["member"].Value, unmapped.Groups["type"].Value);
            type = type[(type.LastIndexOf('.') + 1)..];
            return ("The request body has an unknown member",
                $"The body has a member '{member}'{at} that {type} does not have; the registry refuses members it does not know rather than drop them.{Hint(type, member)} The API is described at /docs.",
                "unknown_member");
        }
        if (chain.Any(e => e is System.Text.DecoderFallbackException || e.Message.Contains("UTF-8", StringComparison.OrdinalIgnoreCase)))
        {
            return ("The request body is not valid UTF-8", $"The body contains bytes that are not valid UTF-8{at}. Encode the text as UTF-8.", "invalid_utf8");
        }
        if (chain.Any(e => e.Message.Contains("UTF-16", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase)))
        {
            return ("The request body is not valid Unicode", $"A \\u escape in the JSON is an unpaired surrogate{at}, which is not a character. Fix the escape.", "invalid_unicode");
        }
        if (chain.OfType<JsonException>().FirstOrDefault() is { } json)
        {
            return ("The request body is not valid JSON", $"{Clean(json.Message)} Fix the JSON and send it again.", "malformed_json");
        }
        if (bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase)
            || bad.Message.Contains("Required parameter", StringComparison.OrdinalIgnoreCase))
        {
            return ("The request body is missing", "This endpoint needs a JSON body with Content-Type: application/json.", "missing_body");
        }
        if (bad.Message.Contains("Content-Type", StringComparison.OrdinalIgnoreCase))
        {
            return ("Unsupported content type", "Send the body as JSON with Content-Type: application/json.", "unsupported_media_type");
        }
        return ("The request is not valid", bad.Message, "bad_request");
    }

    static string Hint(string type, string member) =>
        type == nameof(RegisterDocumentRequest) && member.Equals("url", StringComparison.OrdinalIgnoreCase)
            ? " A document's source URI is sourceUri over HTTP (url is its name in JSONL files and bus messages)."
            : "";

    // The message System.Text.Json gives when UnmappedMemberHandling is Disallow; it has no exception type of its own.
    [GeneratedRegex("The JSON property '(?<member>.*)' could not be mapped to any .NET member contained in type '(?<type>[^']*)'")]
    private static partial Regex UnmappedMember();

    // System.Text.Json appends a ' Path: $.x | LineNumber: 0 | BytePositionInLine: 7.' locator; keep it, it tells
    // the caller where to look, but drop the .NET type names it sometimes mentions.
    static string Clean(string message) => message.Replace("System.", "", StringComparison.Ordinal);
}
