using Provenance.Domain.Assertions;
using Provenance.Domain.Generators;
using Provenance.Domain.Lineage;

namespace Provenance.Domain.Documents;

/// <summary>A submission that passed validation: normalized, hashed, with parsed names.</summary>
public sealed record ValidSubmission(
    string Text,
    ContentHash Hash,
    int CharCount,
    string? Uri,
    DateTimeOffset? CrawledAt,
    string? Crawler,
    ValidDeclaration? Declared,
    IReadOnlyList<ValidParent> Parents,
    string? Language,
    string? Licence);

/// <param name="EvidenceJson">JSON object with what backs the declaration (the IPTC URI, the parts of a C2PA report read), or null.</param>
public sealed record ValidDeclaration(ProvenanceClass Class, GeneratorName? Generator, double? Confidence, string? EvidenceJson);

/// <summary>Exactly one of <see cref="Id"/> and <see cref="Hash"/> is set.</summary>
public sealed record ValidParent(long? Id, ContentHash? Hash, LineageRelation Relation, GeneratorName? Generator, string? ParamsHash);
