using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Provenance.Domain.Access;

namespace Provenance.Data.Access;

/// <summary>Creates, finds and revokes API keys. Secrets leave this class once, at creation, and are never stored.</summary>
public sealed class ApiKeyStore(RegistryDbContext db, TimeProvider clock)
{
    public const string Prefix = "pvk_";
    public const string BootstrapAdminName = "admin";

    /// <summary>A new random key: <c>pvk_</c> + 256 random bits in base64url.</summary>
    public static string NewSecret() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public async Task<(ApiKey Key, string Secret)> CreateAsync(string name, ApiRole role, CancellationToken ct)
    {
        var secret = NewSecret();
        var key = new ApiKey { Name = name, Role = role, KeyHash = Hash(secret), Prefix = secret[..12], CreatedAt = clock.GetUtcNow() };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return (key, secret);
    }

    public Task<bool> NameExistsAsync(string name, CancellationToken ct) => db.ApiKeys.AnyAsync(k => k.Name == name, ct);

    public Task<List<ApiKey>> ListAsync(CancellationToken ct) => db.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync(ct);

    /// <summary>The active key whose secret is <paramref name="secret"/>, or null.</summary>
    public Task<ApiKey?> FindActiveAsync(string secret, CancellationToken ct)
    {
        var hash = Hash(secret);
        return db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash && k.RevokedAt == null, ct);
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
    /// how <c>PROVENANCE_ADMIN_KEY</c> takes effect, and how an operator rotates it.
    /// </summary>
    public async Task EnsureBootstrapAdminAsync(string secret, CancellationToken ct)
    {
        var hash = Hash(secret);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Name == BootstrapAdminName, ct);
        if (key is null)
        {
            db.ApiKeys.Add(new ApiKey
            {
                Name = BootstrapAdminName, Role = ApiRole.Admin, KeyHash = hash, Prefix = secret[..Math.Min(12, secret.Length)], CreatedAt = clock.GetUtcNow(),
            });
        }
        else if (!key.KeyHash.AsSpan().SequenceEqual(hash) || key.RevokedAt is not null || key.Role != ApiRole.Admin)
        {
            key.KeyHash = hash;
            key.Prefix = secret[..Math.Min(12, secret.Length)];
            key.Role = ApiRole.Admin;
            key.RevokedAt = null;
        }
        await db.SaveChangesAsync(ct);
    }
}
