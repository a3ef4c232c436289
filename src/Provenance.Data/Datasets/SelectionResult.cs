using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>What choosing a version's documents came to.</summary>
internal abstract record SelectionResult;

/// <summary>The documents chosen (the base's first), and what the snapshot said about the registry around them.</summary>
/// <param name="BaseCount">How many of <paramref name="Documents"/> are the base's.</param>
/// <param name="BaseReclassified">Base documents whose class has changed since the base was stored.</param>
/// <param name="CandidatesRead">Candidate documents read from the index (base excluded).</param>
internal sealed record Selected(
    IReadOnlyList<MixDocument> Documents,
    int BaseCount,
    BaseVersion? Base,
    long BaseReclassified,
    IReadOnlyDictionary<int, string> GeneratorNames,
    RegistryDomains Registry,
    long CandidatesRead) : SelectionResult;

/// <summary>No documents can meet the spec; nothing is to be written.</summary>
internal sealed record SelectionRefused(AssemblyRefused Refusal) : SelectionResult;
