using System.Text;

namespace Provenance.Text.Tests.Tokens;

public class BytePairRanksTests
{
    [Fact]
    public void EveryTokenHasTheLibrarysRank()
    {
        var checkedTokens = 0;
        var wrong = new List<int>();

        for (var rank = 0; rank < 199_998; rank++)
        {
            // Tokens that are partial UTF-8 cannot travel as strings; they are covered by the byte tests below.
            var text = Reference.Library.Decode([rank]);
            if (text.Contains('\uFFFD', StringComparison.Ordinal))
            {
                continue;
            }
            checkedTokens++;
            if (Reference.Ranks.Rank(Encoding.UTF8.GetBytes(text)) != rank || Reference.Library.EncodeToIds(text, considerPreTokenization: false).Single() != rank)
            {
                wrong.Add(rank);
            }
        }

        Assert.Empty(wrong);
        Assert.True(checkedTokens > 190_000, $"only {checkedTokens} tokens checked");
    }

    [Fact]
    public void EveryByteIsAToken()
    {
        Assert.All(Enumerable.Range(0, 256), b => Assert.NotEqual(int.MaxValue, Reference.Ranks.Rank([(byte)b])));
    }

    [Fact]
    public void BytesThatAreNotATokenHaveNoRank()
    {
        Assert.Equal(int.MaxValue, Reference.Ranks.Rank("qxzjv"u8));
        Assert.Equal(int.MaxValue, Reference.Ranks.Rank("zzzzzzzzzzzzzzzzzzzzzzzzzz"u8));
        Assert.Equal(int.MaxValue, Reference.Ranks.Rank([0xFF, 0xFE, 0xFD]));
        Assert.Equal(int.MaxValue, Reference.Ranks.Rank([]));
    }
}
