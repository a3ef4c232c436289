using Microsoft.EntityFrameworkCore;
using Provenance.Domain.Access;

namespace Provenance.Data.Access;

/// <summary>Creates, finds and revokes API keys. Secrets leave this class once, at creation, and are never stored.</summary>
public sealed class ApiKeyStore(RegistryDbContext db, TimeProvider clock)
{
    public const string BootstrapAdminName = "admin";

    // A slow hash per unknown key would let anyone spend the server's cores; one at a time per process bounds that
    // to one core (and failed keys are throttled per client address before they get here).
    static readonly SemaphoreSlim ChosenKeyChecks = new(1);

    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, ApiRole role, CancellationToken ct)
    {
        var secret = ApiKeyHashes.NewKey(out var prefix);
        var key = new ApiKey { Name = name, Role = role, KeyHash = ApiKeyHashes.OfGenerated(secret), Prefix = prefix, CreatedAt = clock.GetUtcNow() };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (key, secret);
    }

    public Task<bool> NameExistsAsync(string name, CancellationToken ct) => db.ApiKeys.AnyAsync(k => k.Name == name, ct);

    public Task<List<ApiKey>> ListAsync(CancellationToken ct) => db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);

    /// <summary>The active key whose secret is <paramref name="secret"/>, or null.</summary>
    public async Task<ApiKey?> FindActiveAsync(string secret, CancellationToken ct)
    {
        var hash = ApiKeyHashes.OfGenerated(secret);
        // One query for both kinds: the generated key with this hash, if any, and the few chosen keys (the bootstrap
        // key), whose salted hashes can only be checked one by one.
        var candidates = await db.ApiKeys.AsNoTracking()
            .Where(k => k.RevokedAt == null && ((k.KeySalt == null && k.KeyHash == hash) || k.KeySalt != null))
            .ToListAsync(ct);
        if (candidates.FirstOrDefault(k => k.KeySalt is null) is { } generated)
        {
            return generated;
        }
        foreach (var chosen in candidates)
        {
            await ChosenKeyChecks.WaitAsync(ct);
            try
            {
                if (ApiKeyHashes.MatchesChosen(chosen, secret))
                {
                    return chosen;
                }
            }
            finally
            {
                ChosenKeyChecks.Release();
            }
        }
        return null;
    }

    /// <summary>Revokes key <paramref name="id"/> and returns it; null when there is no such key.</summary>
    public async Task<ApiKey?> RevokeAsync(int id, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return null;
        }
        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return key;
    }

    /// <summary>
    /// Makes <paramref name="secret"/> the bootstrap admin key (named <c>admin</c>), replacing an earlier one. This is
    /// how <c>PROVENANCE_ADMIN_KEY</c> takes effect, and how an operator rotates it. The key is a chosen one: it is
    /// stored salted and slowly hashed, and has no public prefix.
    /// </summary>
    public async Task EnsureBootstrapAdminAsync(string secret, CancellationToken ct)
    {
        if (secret.Length < ApiKeyHashes.MinChosenLength)
        {
            throw new ArgumentException($"a chosen key needs at least {ApiKeyHashes.MinChosenLength} characters.", nameof(secret));
        }
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Name == BootstrapAdminName, ct);
        if (key is null)
        {
            key = new ApiKey { Name = BootstrapAdminName, CreatedAt = clock.GetUtcNow() };
            db.ApiKeys.Add(key);
        }
        else if (ApiKeyHashes.MatchesChosen(key, secret) && key.RevokedAt is null && key.Role == ApiRole.Admin && key.Prefix.Length == 0)
        {
            return;
        }
        key.KeySalt = ApiKeyHashes.NewSalt();
        key.KeyHash = ApiKeyHashes.OfChosen(secret, key.KeySalt);
        key.Prefix = "";
        key.Role = ApiRole.Admin;
        key.RevokedAt = null;
        await db.SaveChangesAsync(ct);
    }
}
