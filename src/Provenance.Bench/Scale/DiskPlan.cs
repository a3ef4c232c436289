using System.Globalization;

namespace Provenance.Bench.Scale;

/// <summary>
/// The disk a scale run needs, from its size: bytes per row measured on a run of this benchmark at 1,000,000
/// documents (docs/performance.md, "Scale"), with a margin for B-tree pages that split as random keys arrive.
/// </summary>
public sealed record DiskPlan(long Documents, long Mix, long Registered)
{
    /// <summary>
    /// A seeded document with its share of lineage (30%, 1.35 parents each): <c>documents</c> with its four indexes,
    /// <c>lineage_edges</c> with its two, and the content-hash lookup table where there is one.
    /// </summary>
    public const long BulkBytesPerDocument = 600;

    /// <summary>A document registered through the writer with a ~1 KB text: text, search index, sighting, assertion, metadata.</summary>
    public const long RegisteredBytesPerDocument = 5_000;

    /// <summary>A member of an assembled version (<c>dataset_version_documents</c> with its indexes).</summary>
    public const long MemberBytesPerDocument = 120;

    /// <summary>What <c>ORDER BY random()</c> spills per row of the classes it sorts (id, hash, the random key, tuple header).</summary>
    public const long SortBytesPerDocument = 80;

    /// <summary>The write-ahead log, at most <c>max_wal_size</c> (8 GB in bench.sh) and a little over between checkpoints.</summary>
    public const long WalBytes = 10L << 30;

    public const double Margin = 1.25;

    public long Bytes => (long)(Margin * (Documents * BulkBytesPerDocument + Registered * RegisteredBytesPerDocument + Mix * MemberBytesPerDocument
        + Documents * SortBytesPerDocument + Math.Min(WalBytes, Documents * BulkBytesPerDocument)));

    public static string Gigabytes(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:N1} GB");

    /// <summary>Prints the estimate and the free space of <paramref name="folder"/>'s filesystem; false when the run would not fit.</summary>
    public bool Fits(string folder)
    {
        var free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
        var fits = free >= Bytes;
        Report.Line("disk: needed for this run", $"{Documents:N0} documents, a {Mix:N0}-document mix", Gigabytes(Bytes),
            string.Create(CultureInfo.InvariantCulture, $"({BulkBytesPerDocument} B per seeded document, {RegisteredBytesPerDocument:N0} per registered one, WAL, sort spill; x{Margin})"));
        Report.Line("disk: free", Path.GetFullPath(folder), Gigabytes(free), fits ? "enough" : "NOT ENOUGH");
        return fits;
    }
}
