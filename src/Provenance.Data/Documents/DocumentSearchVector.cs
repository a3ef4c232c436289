using NpgsqlTypes;

namespace Provenance.Data.Documents;

/// <summary>
/// The words of a document's text as the text search reads them (<see cref="DocumentSearch.TextVectorSql"/>), written by
/// <see cref="SearchIndexer"/> after registration rather than by it: maintaining a GIN index over every word costs
/// several times what storing the document does, so registration does not wait for it.
/// </summary>
public sealed class DocumentSearchVector
{
    public long DocumentId { get; set; }
    public NpgsqlTsVector Vector { get; set; } = null!;
}

/// <summary>How far <see cref="SearchIndexer"/> has got: its one row says that every document up to an id is indexed.</summary>
public sealed class DocumentSearchProgress
{
    public int Id { get; set; }

    /// <summary>Every document whose id is at most this has its <see cref="DocumentSearchVector"/> (or never committed).</summary>
    public long IndexedThrough { get; set; }
}
