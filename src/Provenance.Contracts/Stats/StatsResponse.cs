namespace Provenance.Contracts.Stats;

/// <summary>Registry-wide counts.</summary>
/// <param name="ByClass">Documents per current class.</param>
/// <param name="ByGenerator">Documents per generator of the deciding assertion.</param>
/// <param name="ByDepth">Documents per generation depth; depth null = unknown.</param>
/// <param name="AwaitingDetector">Documents of class unknown with no detector verdict yet (counted up to 1,000,000).</param>
/// <param name="Recent">The latest registered documents, newest first (10).</param>
/// <param name="AwaitingSearchIndex">
/// Documents registered whose words are not indexed yet, so that a search by words does not find them (counted up to
/// 1,000,000); null when the registry does not index texts (<c>Search:IndexText</c> false).
/// </param>
public sealed record StatsResponse(
    long Documents,
    long Sightings,
    long Edges,
    long PendingEdges,
    long Assertions,
    IReadOnlyDictionary<string, long> ByClass,
    IReadOnlyList<GeneratorCount> ByGenerator,
    IReadOnlyList<DepthCount> ByDepth,
    long AwaitingDetector,
    IReadOnlyList<RecentDocument> Recent,
    long? AwaitingSearchIndex);

public sealed record GeneratorCount(string Generator, long Documents);

public sealed record DepthCount(int? Depth, long Documents);

/// <param name="FirstSeen">The earliest crawl time of its sightings.</param>
public sealed record RecentDocument(long Id, string ContentHash, string Class, DateTimeOffset FirstSeen);
