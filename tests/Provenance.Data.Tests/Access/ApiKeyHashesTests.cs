using Provenance.Data.Access;

namespace Provenance.Data.Tests.Access;

/// <summary>
/// The stored hashes of API keys are a format: a change to them locks out every key already issued (generated keys)
/// or the bootstrap key until the next start that sets it, so these values are pinned.
/// </summary>
public class ApiKeyHashesTests
{
    const string Secret = "pvk_pinned_chosen_key_0123456789abcdef";

    [Fact]
    public void AGeneratedKeyIsStoredAsItsSha256()
    {
        Assert.Equal("3D97F88AFB72F78A6501ADEBECE905C95EFE94069C61D691D10CA94C4A444EEE", Convert.ToHexString(ApiKeyHashes.OfGenerated(Secret)));
    }

    [Fact]
    public void AChosenKeyIsStoredAsPbkdf2Sha256WithItsSalt()
    {
        var salt = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

        var hash = ApiKeyHashes.OfChosen(Secret, salt);

        Assert.Equal("AA6AC4C39145571917CBB54390EADF7F952B46F8CFDA4E1FD8CC65EED0A532C2", Convert.ToHexString(hash));
        Assert.True(ApiKeyHashes.MatchesChosen(new ApiKey { KeyHash = hash, KeySalt = salt }, Secret));
        Assert.False(ApiKeyHashes.MatchesChosen(new ApiKey { KeyHash = hash, KeySalt = salt }, Secret + "x"));
        Assert.False(ApiKeyHashes.MatchesChosen(new ApiKey { KeyHash = ApiKeyHashes.OfGenerated(Secret) }, Secret));
    }

    [Fact]
    public void NewKeysAreTheirPublicPrefixAnUnderscoreAnd256RandomBits()
    {
        var keys = Enumerable.Range(0, 100).Select(_ => (Key: ApiKeyHashes.NewKey(out var prefix), Prefix: prefix)).ToList();

        Assert.All(keys, k =>
        {
            Assert.Matches("^pvk_[0-9a-f]{8}$", k.Prefix);
            Assert.StartsWith(k.Prefix + "_", k.Key);
            Assert.Equal(k.Prefix.Length + 1 + 43, k.Key.Length);
        });
        Assert.Equal(100, keys.Select(k => k.Key[13..]).Distinct().Count());
    }
}
