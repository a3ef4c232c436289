using Provenance.Contracts.Ingestion;

namespace Provenance.Messaging.Ingestion;

/// <summary>
/// A slice of one input file: lines [<see cref="FirstLine"/>, <see cref="FirstLine"/> + <see cref="LineCount"/>).
/// Batches are cut by line count, so the same file always yields the same batches and the same batch ids.
/// </summary>
public sealed record SourceBatch(
    string File,
    string Fingerprint,
    int Index,
    long FirstLine,
    int LineCount,
    Guid BatchId,
    IReadOnlyList<IncomingDocument> Documents,
    IReadOnlyList<long> DocumentLines,
    IReadOnlyList<LineRejection> LocalRejections,
    long Bytes);

/// <summary>A line that was not sent, or an item the registry rejected, with the reason.</summary>
public sealed record LineRejection(string File, long Line, string Reason, string? Code = null);
