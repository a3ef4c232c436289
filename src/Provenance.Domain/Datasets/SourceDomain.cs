namespace Provenance.Domain.Datasets;

/// <summary>
/// A document's source domain: the host of its first sighting's URI, lowercased, without a leading <c>www.</c>.
/// The registry derives it in SQL (<c>source_domain_of</c>, created by the migrations); filters are normalized the
/// same way here so that <c>WWW.Example.org</c> in a spec matches documents from <c>https://www.example.org/…</c>.
/// </summary>
public static class SourceDomain
{
    public static string? Normalize(string? host)
    {
        var h = host?.Trim().TrimEnd('.').ToLowerInvariant() ?? "";
        if (h.StartsWith("www.", StringComparison.Ordinal))
        {
            h = h[4..];
        }
        if (h.Length is 0 or > 253 || Uri.CheckHostName(h) == UriHostNameType.Unknown)
        {
            return null;
        }
        return h;
    }

    /// <summary>
    /// The source domain of <paramref name="uri"/> exactly as the SQL function <c>source_domain_of</c> derives it,
    /// for URIs of the plain shape <c>scheme://host[:port][/?#…]</c> in ASCII, without user info or an IP literal.
    /// Returns false for every other shape (there the SQL regular expression's corner cases and the database's
    /// collation decide, so the caller lets the database compute it).
    /// </summary>
    public static bool TryFromPlainUri(string uri, out string? domain)
    {
        domain = null;
        if (uri.Length == 0 || !char.IsAsciiLetter(uri[0]))
        {
            return false;
        }
        var i = 1;
        while (i < uri.Length && (char.IsAsciiLetterOrDigit(uri[i]) || uri[i] is '+' or '.' or '-'))
        {
            i++;
        }
        if (!uri.AsSpan(i).StartsWith("://", StringComparison.Ordinal))
        {
            return false;
        }
        var start = i + 3;
        var end = uri.AsSpan(start).IndexOfAny('/', '?', '#') is var k and >= 0 ? start + k : uri.Length;
        var authority = uri.AsSpan(start, end - start);
        foreach (var c in authority)
        {
            if (c is '@' or '[' or ']' || !char.IsAsciiLetterOrDigit(c) && c is not ('.' or '-' or '_' or ':'))
            {
                return false;
            }
        }
        var colon = authority.IndexOf(':');
        var host = (colon >= 0 ? authority[..colon] : authority).ToString().ToLowerInvariant().TrimEnd('.');
        if (host.StartsWith("www.", StringComparison.Ordinal))
        {
            host = host[4..];
        }
        domain = host.Length is > 0 and <= 253 ? host : null;
        return true;
    }

    /// <summary>True when <paramref name="domain"/> is <paramref name="filter"/> or one of its subdomains.</summary>
    public static bool Matches(string? domain, string filter) =>
        domain is not null && (domain == filter || domain.EndsWith("." + filter, StringComparison.Ordinal));
}
