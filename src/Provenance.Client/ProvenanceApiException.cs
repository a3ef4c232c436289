using System.Net;
using System.Text.Json;

namespace Provenance.Client;

/// <summary>The registry answered with an RFC 7807 problem.</summary>
/// <param name="code">The problem's machine-readable code, such as <c>lineage_cycle</c>.</param>
public sealed class ProvenanceApiException(HttpStatusCode status, string title, string? detail, string? code)
    : Exception(detail is null ? title : $"{title}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
    public string? Code { get; } = code;

    /// <summary>The whole problem, for its extensions (the <c>shortfalls</c> of an <c>infeasible_mix</c>, say); null when the body was not JSON.</summary>
    public JsonElement? Problem { get; init; }
}
