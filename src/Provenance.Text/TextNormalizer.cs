using System.Text;

namespace Provenance.Text;

/// <summary>
/// Brings text to the form that is hashed and stored, so that the same words always get the same identity:
/// a leading byte-order mark is dropped, line endings become <c>\n</c>, the text is put in Unicode NFC and
/// whitespace at its start and end is trimmed. Nothing inside the text is otherwise changed.
/// </summary>
public static class TextNormalizer
{
    /// <summary>
    /// Normalizes <paramref name="text"/> or says why it cannot be a document: empty, NUL characters (PostgreSQL
    /// text cannot hold them) or unpaired UTF-16 surrogates (not encodable as UTF-8).
    /// </summary>
    public static bool TryNormalize(string? text, out string normalized, out string? error)
    {
        normalized = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "text is empty; a document needs at least one non-whitespace character.";
            return false;
        }
        if (StorableText.Check("text", text) is { } unstorable)
        {
            error = unstorable;
            return false;
        }

        var s = text.AsSpan();
        if (s.Length > 0 && s[0] == '\uFEFF')
        {
            s = s[1..];
        }
        var result = s.Contains('\r') ? s.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n') : s.ToString();
        if (!result.IsNormalized(NormalizationForm.FormC))
        {
            result = result.Normalize(NormalizationForm.FormC);
        }
        result = result.Trim();
        if (result.Length == 0)
        {
            error = "text is empty; a document needs at least one non-whitespace character.";
            return false;
        }
        normalized = result;
        error = null;
        return true;
    }

    /// <summary>Decodes strict UTF-8, reporting the byte offset of the first invalid sequence.</summary>
    public static bool TryDecodeUtf8(ReadOnlySpan<byte> bytes, out string text, out string? error)
    {
        try
        {
            text = StrictUtf8.GetString(bytes);
            error = null;
            return true;
        }
        catch (DecoderFallbackException e)
        {
            text = "";
            error = $"text is not valid UTF-8: invalid byte sequence at offset {e.Index}.";
            return false;
        }
    }

    static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
