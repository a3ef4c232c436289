namespace Provenance.Contracts.Access;

/// <param name="Name">A unique name that says who holds the key, such as crawler-commoncrawl.</param>
/// <param name="Role">crawler, curator, trainer or admin.</param>
public sealed record CreateApiKeyRequest(string? Name, string? Role);

public sealed record ApiKeyResponse(int Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>The new key's secret is shown once, here; the registry keeps only its hash.</summary>
public sealed record CreatedApiKeyResponse(int Id, string Name, string Role, string Key, string Prefix, DateTimeOffset CreatedAt);
