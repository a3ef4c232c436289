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

    /// <summary>True when <paramref name="domain"/> is <paramref name="filter"/> or one of its subdomains.</summary>
    public static bool Matches(string? domain, string filter) =>
        domain is not null && (domain == filter || domain.EndsWith("." + filter, StringComparison.Ordinal));
}
