using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Provenance.Data.Access;

/// <summary>
/// How API key secrets become what the <c>api_keys</c> table holds. A generated key carries 256 random bits, so its
/// SHA-256 is as strong as a slow hash and a lookup stays one index probe. A chosen key (the bootstrap key from
/// <c>PROVENANCE_ADMIN_KEY</c>) may be guessable, so it is stored as PBKDF2 with a salt of its own: a dump of the
/// table alone neither matches it against a precomputed list nor tests a guess cheaply.
/// </summary>
public static class ApiKeyHashes
{
    /// <summary>What every key starts with, so a leaked one is easy to recognise (and for secret scanners).</summary>
    public const string KeyStart = "pvk_";

    /// <summary>The shortest key a person may choose.</summary>
    public const int MinChosenLength = 32;

    // About 50 ms on one core (OWASP's 2023 advice is 600,000 for a password; a chosen key is at least 32
    // characters, and every check of it costs the server this much). Changing it re-hashes the bootstrap key at the
    // next start that sets PROVENANCE_ADMIN_KEY; until then that key no longer verifies.
    const int Pbkdf2Iterations = 100_000;
    const int SaltBytes = 16;
    const int IdBytes = 4;
    const int SecretBytes = 32;

    /// <summary>
    /// A new key <c>pvk_&lt;id&gt;_&lt;secret&gt;</c>: a random 8-hex-digit id, which is the public
    /// <paramref name="prefix"/> listed with the key, and 256 random bits in base64url, which are never stored.
    /// </summary>
    public static string NewKey(out string prefix)
    {
        prefix = KeyStart + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(IdBytes));
        return prefix + "_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
    }

    /// <summary>The stored hash of a generated key, and the in-memory name of any key while it is cached.</summary>
    public static byte[] OfGenerated(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static byte[] NewSalt() => RandomNumberGenerator.GetBytes(SaltBytes);

    public static byte[] OfChosen(string secret, byte[] salt) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), salt, Pbkdf2Iterations, HashAlgorithmName.SHA256, 32);

    /// <summary>Whether <paramref name="secret"/> is the chosen key stored in <paramref name="key"/>.</summary>
    public static bool MatchesChosen(ApiKey key, string secret) =>
        key.KeySalt is { } salt && CryptographicOperations.FixedTimeEquals(OfChosen(secret, salt), key.KeyHash);
}
