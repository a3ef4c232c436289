using Npgsql;
using NpgsqlTypes;

namespace Provenance.Data.Registration;

/// <summary>What both write paths of registration copy the same way.</summary>
internal static class BinaryCopy
{
    public static Task WriteNullableAsync<T>(this NpgsqlBinaryImporter w, T? value, NpgsqlDbType type, CancellationToken ct) where T : class =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, type, ct);

    public static Task WriteNullableAsync<T>(this NpgsqlBinaryImporter w, T? value, NpgsqlDbType type, CancellationToken ct) where T : struct =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value.Value, type, ct);

    /// <summary>
    /// The texts of the documents a write created go straight into <c>document_texts</c> with binary COPY: they are
    /// the bulk of a batch's bytes, and staging them first would send and write every one twice.
    /// </summary>
    public static async Task TextsAsync(NpgsqlConnection conn, IEnumerable<(long Id, string Text)> texts, CancellationToken ct)
    {
        await using var w = await conn.BeginBinaryImportAsync("COPY document_texts (document_id, text) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (id, text) in texts)
        {
            await w.StartRowAsync(ct);
            await w.WriteAsync(id, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(text, NpgsqlDbType.Text, ct);
        }
        await w.CompleteAsync(ct);
    }
}
