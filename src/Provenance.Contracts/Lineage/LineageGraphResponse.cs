namespace Provenance.Contracts.Lineage;

/// <summary>A piece of the lineage graph, ready to draw.</summary>
/// <param name="Focus">The document the query started from.</param>
/// <param name="Truncated">True when maxDepth or the node limit cut the walk short.</param>
public sealed record LineageGraphResponse(
    long Focus,
    IReadOnlyList<LineageNodeResponse> Nodes,
    IReadOnlyList<LineageEdgeResponse> Edges,
    bool Truncated);

/// <param name="Level">Generations from the focus: negative for ancestors, positive for descendants, 0 for the focus.</param>
/// <param name="Depth">Generations from human text; null while unknown.</param>
public sealed record LineageNodeResponse(long Id, string ContentHash, string Class, int? Depth, string? Generator, int Level);

/// <summary>child was derived from parent.</summary>
public sealed record LineageEdgeResponse(long Child, long Parent, string Relation, string? Generator);

/// <summary>The human documents a document's lineage leads back to.</summary>
/// <param name="Roots">The nearest human ancestors on every path (the document itself when it is human).</param>
/// <param name="Unanchored">Ancestors where a path ends without reaching human text.</param>
/// <param name="Pending">Parents named by hash that are not registered yet, anywhere on the paths.</param>
/// <param name="Truncated">True when the walk stopped at the node limit before every path reached its end.</param>
public sealed record RootsResponse(
    long Focus,
    IReadOnlyList<LineageNodeResponse> Roots,
    IReadOnlyList<LineageNodeResponse> Unanchored,
    IReadOnlyList<PendingEdgeResponse> Pending,
    bool Truncated);

public sealed record PendingEdgeResponse(long Child, string ParentContentHash, string Relation);
