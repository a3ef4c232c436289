using System.Globalization;

namespace Provenance.Bench.Scale;

/// <summary>
/// The disk a scale run needs, from its size: bytes per row measured on a run of this benchmark at 1,000,000
/// documents (2026-12-07, unpartitioned, measured value in each comment) rounded up, the WAL, the sort spill of
/// <c>ORDER BY random()</c>, and a margin over all of it.
/// </summary>
public sealed record DiskPlan(long Documents, long Mix, long Registered)
{
    /// <summary>
    /// A seeded document with its share of lineage (30%, 1.35 parents each): <c>documents</c> with its four indexes,
    /// <c>lineage_edges</c> with its two, and the content-hash lookup table where there is one. Measured: 525 B
    /// (467 B a document row, 142 B an edge).
    /// </summary>
    public const long BulkBytesPerDocument = 600;

    /// <summary>
    /// A document registered through the writer with a ~1 KB text: metadata, text with its search index, sighting,
    /// assertion. Measured: 2,815 B (of which 1,867 B the text, 258 B the sighting, 163 B the assertion).
    /// </summary>
    public const long RegisteredBytesPerDocument = 3_000;

    /// <summary>A member of an assembled version (<c>dataset_version_documents</c> with its indexes). Measured: 102 B.</summary>
    public const long MemberBytesPerDocument = 120;

    /// <summary>
    /// What <c>ORDER BY random()</c> spills per registry document: it sorts every row of the three classes it draws
    /// (about 90% of the registry; id, hash, the random key, tuple header), and the three sorts' files live until it ends.
    /// </summary>
    public const long SortBytesPerDocument = 80;

    /// <summary>The write-ahead log, at most <c>max_wal_size</c> (8 GB in bench.sh) and a little over between checkpoints.</summary>
    public const long WalBytes = 10L << 30;

    public const double Margin = 1.1;

    public long Bytes => (long)(Margin * (Documents * BulkBytesPerDocument + Registered * RegisteredBytesPerDocument + Mix * MemberBytesPerDocument
        + Documents * SortBytesPerDocument + Math.Min(WalBytes, Documents * BulkBytesPerDocument)));

    public static string Gigabytes(long bytes) => bytes >= 1e9
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e9:N1} GB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:N0} MB");

    /// <summary>Prints the estimate and the free space of <paramref name="folder"/>'s filesystem; false when the run would not fit.</summary>
    public bool Fits(string folder)
    {
        var free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
        var fits = free >= Bytes;
        Report.Line("disk: needed for this run", $"{Documents:N0} documents, a {Mix:N0}-document mix", Gigabytes(Bytes),
            string.Create(CultureInfo.InvariantCulture, $"({BulkBytesPerDocument} B per seeded document, {RegisteredBytesPerDocument:N0} per registered one, {MemberBytesPerDocument} per mix member, {SortBytesPerDocument} of sort spill per document, {WalBytes >> 30} GiB WAL; x{Margin})"));
        Report.Line("disk: free", Path.GetFullPath(folder), Gigabytes(free), fits ? "enough" : "NOT ENOUGH");
        if (!fits)
        {
            Console.Error.WriteLine($"error: the run needs {Gigabytes(Bytes)} free where the database lives ({Path.GetFullPath(folder)}) and there are "
                + $"{Gigabytes(free)}: free space there, point TMPDIR at a larger filesystem, or ask for fewer --documents.");
        }
        return fits;
    }
}
