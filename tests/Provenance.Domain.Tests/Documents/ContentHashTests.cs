using Provenance.Domain.Documents;

namespace Provenance.Domain.Tests.Documents;

public class ContentHashTests
{
    const string HelloHash = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    [Fact]
    public void TheHashIsTheSha256OfTheUtf8Text()
    {
        var hash = ContentHash.OfNormalized("hello");

        Assert.Equal(HelloHash, hash.ToString());
    }

    [Theory]
    [InlineData(HelloHash)]
    [InlineData("sha256:" + HelloHash)]
    [InlineData("SHA256:2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824")]
    public void HashesParseWithOrWithoutPrefixInEitherCase(string text)
    {
        Assert.True(ContentHash.TryParse(text, out var hash));
        Assert.Equal(ContentHash.OfNormalized("hello"), hash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("zz" + "f24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")]
    [InlineData(HelloHash + "00")]
    public void MalformedHashesDoNotParse(string text) => Assert.False(ContentHash.TryParse(text, out _));
}
