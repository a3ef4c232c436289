namespace Provenance.Contracts.Access;

/// <param name="Name">
/// A unique name that says who holds the key, such as crawler-commoncrawl: 1 to 100 printable characters (no control,
/// zero-width or bidirectional-control characters).
/// </param>
/// <param name="Role">crawler, curator, trainer or admin.</param>
public sealed record CreateApiKeyRequest(string? Name, string? Role);

/// <param name="Prefix">The key's public part, <c>pvk_</c> and its id, which holds no character of the secret; empty for the bootstrap key.</param>
public sealed record ApiKeyResponse(int Id, string Name, string Role, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>The new key's secret is shown once, here; the registry keeps only its hash.</summary>
/// <param name="Key">The whole key, <c>pvk_&lt;id&gt;_&lt;secret&gt;</c>: send it in the X-Api-Key header.</param>
/// <param name="Prefix">The key's public part, <c>pvk_&lt;id&gt;</c>, as the key listing shows it.</param>
public sealed record CreatedApiKeyResponse(int Id, string Name, string Role, string Key, string Prefix, DateTimeOffset CreatedAt);

/// <summary>The key that made the request: who it names, its role, and what that role may do.</summary>
/// <param name="Permissions">
/// What the role may do (register, read, assert, assemble_datasets, manage_keys), from the same table that decides every
/// request, so a client offers only what will be allowed.
/// </param>
public sealed record CurrentApiKeyResponse(string Name, string Role, IReadOnlyList<string> Permissions);
