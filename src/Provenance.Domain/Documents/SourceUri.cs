namespace Provenance.Domain.Documents;

/// <summary>
/// The one rule that turns a source URI as a client wrote it into the form stored in <c>sightings.uri</c>, so that a
/// registration and a search for the same address agree on it.
/// </summary>
public static class SourceUri
{
    public const int MaxLength = 2048;

    /// <summary>
    /// The schemes a source URI may have: places a crawler fetches from (the web, FTP, object stores). Anything else,
    /// such as <c>javascript:</c> or <c>data:</c>, names no source and could run in a curator's browser.
    /// </summary>
    public static readonly IReadOnlyList<string> Schemes = ["http", "https", "ftp", "s3", "gs"];

    /// <summary>Whether <paramref name="text"/> is an absolute URI with one of the <see cref="Schemes"/>, however long.</summary>
    public static bool LooksLikeOne(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed) && !parsed.IsFile && !parsed.IsUnc && Schemes.Contains(parsed.Scheme);

    /// <summary>
    /// Normalizes <paramref name="text"/> (trimmed, then <see cref="Uri.AbsoluteUri"/>: scheme and host lowercased,
    /// default port dropped, characters escaped), or says in <paramref name="error"/> why it cannot be a source URI.
    /// </summary>
    /// <param name="field">The name the error gives the value (<c>sourceUri</c>, <c>q</c>).</param>
    public static bool TryNormalize(string text, string field, out string uri, out string? error)
    {
        uri = "";
        if (StoredValues.Line(field, text.Trim()) is { } unstorable)
        {
            error = unstorable;
            return false;
        }
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed) || parsed.IsFile || parsed.IsUnc)
        {
            error = $"{field} '{Shorten(text)}' is not an absolute URI such as https://example.org/page.";
            return false;
        }
        if (!Schemes.Contains(parsed.Scheme))
        {
            error = $"{field} '{Shorten(text)}' has the scheme '{parsed.Scheme}'; a source URI names where a crawler fetched the text, with one of the schemes {string.Join(", ", Schemes)}.";
            return false;
        }
        uri = parsed.AbsoluteUri;
        if (uri.Length > MaxLength)
        {
            error = $"{field} is {uri.Length} characters once encoded; the limit is {MaxLength}.";
            return false;
        }
        error = null;
        return true;
    }

    static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "…";
}
