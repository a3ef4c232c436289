using FsCheck.Fluent;
using Provenance.Text.Tokens;

namespace Provenance.Text.Tests.Tokens;

public class PackedPieceCacheTests
{
    [Fact]
    public void KeysOfTheLongestPackablePiecesLeaveTheUseAndCountBitsFree()
    {
        for (var length = 1; length <= 8; length++)
        {
            Assert.True(PackedPieceCache.TryPack(new string('\u007F', length), out var key));

            Assert.Equal(0UL, key & ~PackedPieceCache.KeyMask);
        }
    }

    [Fact]
    public void PiecesThatAreTooLongOrNotAsciiAreNotPacked()
    {
        Assert.False(PackedPieceCache.TryPack("abcdefghi", out _));
        Assert.False(PackedPieceCache.TryPack("caf\u00E9", out _));
        Assert.False(PackedPieceCache.TryPack("a\0b", out _));
    }

    [Fact]
    public void DifferentPiecesHaveDifferentKeys()
    {
        var pieces = Gen.Choose(1, 8).SelectMany(length => Gen.ArrayOf(Gen.Elements("\u0001 aAzZ09'\u007F\n".ToCharArray()), length)).Select(chars => new string(chars));

        Reference.Check(Gen.Two(pieces), pair =>
        {
            var packed = PackedPieceCache.TryPack(pair.Item1, out var first) & PackedPieceCache.TryPack(pair.Item2, out var second);
            return packed && (first == second) == (pair.Item1 == pair.Item2);
        }, maxTest: 5_000);
    }
}
