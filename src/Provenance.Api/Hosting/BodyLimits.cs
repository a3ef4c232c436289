using Microsoft.AspNetCore.Http.Metadata;
using Provenance.Api.Assertions;
using Provenance.Domain.Assertions;

namespace Provenance.Api.Hosting;

/// <summary>
/// How large a body an endpoint accepts. The server enforces it while it reads the body (routing hands the endpoint's
/// <see cref="IRequestSizeLimitMetadata"/> to Kestrel): a Content-Length over it is refused before a byte of the body
/// is read, and a chunked body is cut off when it passes it, so what one request can make the API hold is bounded
/// before anything is deserialized. Every endpoint takes at most <see cref="SmallBytes"/> unless it declares more.
/// </summary>
/// <param name="Bytes">The limit.</param>
/// <param name="Source">The settings it comes from, for the detail of a 413.</param>
/// <param name="Advice">What a caller whose body is too large can do.</param>
internal sealed record BodyLimit(long Bytes, string Source, string Advice) : IRequestSizeLimitMetadata
{
    /// <summary>Room for any of the small JSON bodies (a key, a generator, a mix spec, a detection request) many times over.</summary>
    public const long SmallBytes = 64 * 1024;

    // A string of n UTF-8 bytes takes at most 6n in JSON: a control character is \u0001, and System.Text.Json's default
    // encoder writes every non-ASCII character (2 to 4 bytes) and each of < > & ' + as \uXXXX. A limit of less would
    // refuse, with 413, a document its own text limit accepts, only because of how the client escaped it.
    const int JsonEscapeFactor = 6;

    // A parent reference: a content hash, a relation, a generator (200 characters at most), a params hash (128).
    const long ParentBytes = 1024;

    long? IRequestSizeLimitMetadata.MaxRequestBodySize => Bytes;

    /// <summary>The limit of every endpoint that declares no other: a key, a generator, a mix spec, a detection request.</summary>
    public static readonly BodyLimit Small = new(SmallBytes, "the limit of small JSON bodies", "Send only the members the endpoint describes.");

    /// <summary>
    /// <c>POST /v1/documents</c>: the largest text, escaped, and room for the other members, every parent and a C2PA
    /// report (JSON within the JSON, so counted as sent).
    /// </summary>
    public static BodyLimit Document(RegistryOptions o) => new(
        JsonEscapeFactor * (long)o.MaxTextBytes + SmallBytes + o.MaxParents * ParentBytes + C2paReport.MaxBytes,
        $"{JsonEscapeFactor} x Registry:MaxTextBytes, plus {SmallBytes / 1024} KiB, 1 KiB per parent up to Registry:MaxParents and {C2paReport.MaxBytes / 1024} KiB for a C2PA report",
        "The text is over Registry:MaxTextBytes in any encoding: split the document.");

    /// <summary><c>POST /v1/documents/batch</c>.</summary>
    public static BodyLimit Batch(RegistryOptions o) => new(o.MaxBatchBytes, "Registry:MaxBatchBytes", "Send fewer documents per batch.");

    /// <summary>An assertion: the largest evidence, escaped, and room for the other members.</summary>
    public static readonly BodyLimit Assertion = new(JsonEscapeFactor * (long)AssertionsApi.MaxEvidenceBytes + SmallBytes,
        $"{JsonEscapeFactor} x the {AssertionsApi.MaxEvidenceBytes / 1024} KiB evidence limit, plus {SmallBytes / 1024} KiB",
        "Keep the evidence and note under the evidence limit.");

    /// <summary>The limit of the endpoint <paramref name="http"/> was routed to.</summary>
    public static BodyLimit Of(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<BodyLimit>() ?? Small;

    /// <summary>The detail of the 413 that refuses a body over the limit of <paramref name="http"/>'s endpoint.</summary>
    public static string TooLarge(HttpContext http)
    {
        var limit = Of(http);
        return $"The request body is larger than {http.Request.Method} {http.Request.Path} accepts: at most {limit.Bytes:N0} bytes ({limit.Source}). {limit.Advice}";
    }
}

internal static class BodyLimitExtensions
{
    /// <summary>Gives the endpoint a body limit other than <see cref="BodyLimit.Small"/>.</summary>
    public static RouteHandlerBuilder WithBodyLimit(this RouteHandlerBuilder builder, BodyLimit limit) =>
        builder.WithMetadata(limit).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
}
