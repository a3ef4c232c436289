namespace Provenance.Contracts.Stats;

/// <summary>Registry-wide counts.</summary>
/// <param name="ByClass">Documents per current class.</param>
/// <param name="ByGenerator">Documents per generator of the deciding assertion.</param>
/// <param name="ByDepth">Documents per generation depth; depth null = unknown.</param>
public sealed record StatsResponse(
    long Documents,
    long Sightings,
    long Edges,
    long PendingEdges,
    long Assertions,
    IReadOnlyDictionary<string, long> ByClass,
    IReadOnlyList<GeneratorCount> ByGenerator,
    IReadOnlyList<DepthCount> ByDepth);

public sealed record GeneratorCount(string Generator, long Documents);

public sealed record DepthCount(int? Depth, long Documents);
