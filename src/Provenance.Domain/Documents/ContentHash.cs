using System.Security.Cryptography;
using System.Text;
using Provenance.Text;

namespace Provenance.Domain.Documents;

/// <summary>
/// A document's identity: the SHA-256 of its normalized text encoded as UTF-8. Written as 64 lowercase hex
/// digits, optionally prefixed with <c>sha256:</c>.
/// </summary>
public readonly struct ContentHash : IEquatable<ContentHash>
{
    public const int Size = 32;
    const string Prefix = "sha256:";

    readonly byte[]? _bytes;

    public ContentHash(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
        {
            throw new ArgumentException($"A content hash has {Size} bytes, not {bytes.Length}.", nameof(bytes));
        }
        _bytes = bytes.ToArray();
    }

    ContentHash(byte[] owned) => _bytes = owned;

    /// <summary>
    /// The hash in <paramref name="bytes"/>, which it keeps without copying: for an array nothing else holds or
    /// changes, such as one a database reader has just returned (a dataset assembly reads millions).
    /// </summary>
    public static ContentHash Adopt(byte[] bytes) => bytes.Length == Size
        ? new ContentHash(bytes)
        : throw new ArgumentException($"A content hash has {Size} bytes, not {bytes.Length}.", nameof(bytes));

    public ReadOnlySpan<byte> Bytes => _bytes ?? new byte[Size];

    /// <summary>A copy of the 32 bytes, for database parameters.</summary>
    public byte[] ToArray() => Bytes.ToArray();

    /// <summary>Hashes text that is already normalized (see <see cref="TextNormalizer"/>).</summary>
    public static ContentHash OfNormalized(string normalizedText)
    {
        var max = Encoding.UTF8.GetMaxByteCount(normalizedText.Length);
        if (max <= 64 * 1024)
        {
            Span<byte> buffer = stackalloc byte[max];
            var n = Encoding.UTF8.GetBytes(normalizedText, buffer);
            return new ContentHash(SHA256.HashData(buffer[..n]));
        }
        return new ContentHash(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedText)));
    }

    public static bool TryParse(string? text, out ContentHash hash)
    {
        hash = default;
        if (text is null)
        {
            return false;
        }
        var span = text.AsSpan().Trim();
        if (span.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            span = span[Prefix.Length..];
        }
        if (span.Length != Size * 2)
        {
            return false;
        }
        var bytes = new byte[Size];
        if (Convert.FromHexString(span, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }
        hash = new ContentHash(bytes);
        return true;
    }

    /// <summary>True when <paramref name="text"/> has the shape of a hash (64 hex digits, optional prefix).</summary>
    public static bool LooksLikeHash(string text) => TryParse(text, out _);

    public override string ToString() => Convert.ToHexStringLower(Bytes);

    public bool Equals(ContentHash other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is ContentHash other && Equals(other);

    public override int GetHashCode() => BitConverter.ToInt32(Bytes[..4]);

    public static bool operator ==(ContentHash left, ContentHash right) => left.Equals(right);

    public static bool operator !=(ContentHash left, ContentHash right) => !left.Equals(right);
}
