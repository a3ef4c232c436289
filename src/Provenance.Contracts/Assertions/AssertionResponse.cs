using System.Text.Json;

namespace Provenance.Contracts.Assertions;

/// <summary>One entry of a document's append-only assertion history.</summary>
/// <param name="Kind">curator, declared or detector.</param>
/// <param name="AssertedBy">The crawler, detector model@version or curator key that asserted.</param>
/// <param name="Effective">True for the assertion that currently decides the document's class.</param>
public sealed record AssertionResponse(
    long Id,
    string Kind,
    string AssertedBy,
    string Class,
    double? Confidence,
    string? Generator,
    JsonElement? Evidence,
    DateTimeOffset AssertedAt,
    bool Effective);

/// <summary>A curator's statement of what a document is.</summary>
/// <param name="Class">human, synthetic, mixed or unknown.</param>
/// <param name="Confidence">0..1.</param>
/// <param name="Generator">name@version, for synthetic or mixed text.</param>
/// <param name="Note">Free text kept with the evidence; tabs and line breaks are its only control characters.</param>
/// <param name="Evidence">Any JSON object that backs the assertion and jsonb can hold (no \u0000, numbers within ±1.7e308).</param>
public sealed record AssertClassRequest(
    string? Class,
    double? Confidence = null,
    string? Generator = null,
    string? Note = null,
    JsonElement? Evidence = null);

/// <summary>The assertion that was appended and the document's class and depth after it.</summary>
public sealed record AssertClassResponse(AssertionResponse Assertion, string Class, int? Depth);
