using System.Text.Json;
using Provenance.Contracts.Assertions;

namespace Provenance.Contracts.Documents;

/// <summary>A document's metadata, current class and depth, and the history they come from.</summary>
/// <param name="Text">Only present when asked for with include=text.</param>
/// <param name="Assertions">The whole assertion history, oldest first; the one that decides the class has effective = true.</param>
public sealed record DocumentResponse(
    long Id,
    string ContentHash,
    string Class,
    int? Depth,
    string? Generator,
    int CharCount,
    int TokenCount,
    string? Language,
    string? Licence,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    int SightingCount,
    IReadOnlyList<SightingResponse> Sightings,
    IReadOnlyList<AssertionResponse> Assertions,
    IReadOnlyList<ParentResponse> Parents,
    IReadOnlyList<PendingParentResponse> PendingParents,
    string? Text);

public sealed record SightingResponse(string? Uri, DateTimeOffset CrawledAt, string? Crawler);

public sealed record ParentResponse(long Id, string ContentHash, string Relation, string? Generator, string? ParamsHash);

public sealed record PendingParentResponse(string ContentHash, string Relation, string? Generator, DateTimeOffset Since);

/// <summary>Keeps evidence JSON as JSON in responses rather than as an escaped string.</summary>
public static class EvidenceJson
{
    public static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
