using System.Globalization;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Provenance.Contracts.Datasets;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>
/// The canonical manifest: <see cref="DatasetManifest"/> serialized by System.Text.Json with fixed options (members
/// in declaration order, no whitespace, shortest round-trip numbers, lists instead of dictionaries), followed by a
/// last member <c>"documents":[[id,"sha256 hex"],…]</c> in version order. The manifest hash is the SHA-256 of exactly
/// these bytes, and <c>GET /v1/datasets/{ref}/manifest</c> returns them, so anyone can check a version with sha256sum.
/// </summary>
public static class ManifestFormat
{
    public const string Format = "provenance.dataset-manifest/1";
    public const string HashPrefix = "sha256:";

    /// <summary>The serializer options of the canonical form; they also read a stored header back.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        // Not for HTML: manifests are files, and unescaped non-ASCII keeps domain names and warnings readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    static readonly byte[] DocumentsMember = ",\"documents\":["u8.ToArray();
    static readonly byte[] End = "]}"u8.ToArray();

    /// <summary>The manifest without its documents: what is stored, and the first part of the canonical bytes.</summary>
    public static byte[] Header(DatasetManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, Options);

    public static DatasetManifest ParseHeader(string header) => JsonSerializer.Deserialize<DatasetManifest>(header, Options)!;

    public static string ToText(byte[] hash) => HashPrefix + Convert.ToHexStringLower(hash);

    /// <summary>SHA-256 of the canonical manifest with <paramref name="documents"/> in version order.</summary>
    public static byte[] Hash(byte[] header, IReadOnlyList<MixDocument> documents)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(header.AsSpan(0, header.Length - 1));
        sha.AppendData(DocumentsMember);
        var buffer = new MemoryStream(1 << 16);
        for (var i = 0; i < documents.Count; i++)
        {
            WriteDocument(buffer, i == 0, documents[i].Id, documents[i].Hash.Bytes);
            if (buffer.Length >= 1 << 16)
            {
                sha.AppendData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                buffer.SetLength(0);
            }
        }
        buffer.Write(End);
        sha.AppendData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return sha.GetHashAndReset();
    }

    /// <summary>Writes the canonical manifest bytes to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(Stream output, byte[] header, IAsyncEnumerable<(long Id, byte[] ContentHash)> documents, CancellationToken ct)
    {
        var buffer = new MemoryStream(1 << 16);
        await output.WriteAsync(header.AsMemory(0, header.Length - 1), ct);
        await output.WriteAsync(DocumentsMember, ct);
        var first = true;
        await foreach (var (id, hash) in documents.WithCancellation(ct))
        {
            WriteDocument(buffer, first, id, hash);
            first = false;
            if (buffer.Length >= 1 << 16)
            {
                await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
                buffer.SetLength(0);
            }
        }
        buffer.Write(End);
        await output.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ct);
    }

    static void WriteDocument(MemoryStream buffer, bool first, long id, ReadOnlySpan<byte> hash)
    {
        Span<byte> item = stackalloc byte[96];
        var n = 0;
        if (!first)
        {
            item[n++] = (byte)',';
        }
        item[n++] = (byte)'[';
        id.TryFormat(item[n..], out var written, default, CultureInfo.InvariantCulture);
        n += written;
        item[n++] = (byte)',';
        item[n++] = (byte)'"';
        Convert.TryToHexStringLower(hash, item[n..], out written);
        n += written;
        item[n++] = (byte)'"';
        item[n++] = (byte)']';
        buffer.Write(item[..n]);
    }
}
