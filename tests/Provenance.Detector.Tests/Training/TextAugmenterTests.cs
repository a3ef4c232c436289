using System.Text.RegularExpressions;
using Provenance.Detector.Training;

namespace Provenance.Detector.Tests.Training;

public partial class TextAugmenterTests
{
    const string Text = "The river rose overnight. By morning the lower road was under water, and the \"old bridge\" had closed.\n\n"
        + "Farmers moved their animals to the hill; some stayed to watch. Nobody could say when it would stop raining -- the forecast "
        + "changed twice. Children floated paper boats along the flooded lane. The mayor walked the bank at noon and spoke to "
        + "everyone she met. In the evening the water began to fall, slowly at first, then quickly. By Friday the road was open "
        + "again, though mud covered it for weeks.";

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();

    static string[] Words(string text) => [.. Word().Matches(text).Select(m => m.Value)];

    [Fact]
    public void ALayoutChangeKeepsEveryWordInOrder()
    {
        for (ulong seed = 0; seed < 50; seed++)
        {
            var varied = TextAugmenter.Vary(Text, cut: false, new DeterministicRandom(seed));

            Assert.Equal(Words(Text), Words(varied));
        }
    }

    [Fact]
    public void AWindowIsARunOfWholeSentencesOfTheText()
    {
        for (ulong seed = 0; seed < 50; seed++)
        {
            var window = TextAugmenter.Window(Text, new DeterministicRandom(seed));

            Assert.Contains(window, Text);
            Assert.Matches(@"^[A-Z]", window);
            Assert.True(Words(window).Length >= 20, window);
        }
    }

    [Fact]
    public void VariantsDifferButTheSameSeedGivesTheSameVariant()
    {
        var variants = Enumerable.Range(0, 20).Select(s => TextAugmenter.Vary(Text, cut: true, new DeterministicRandom((ulong)s))).ToArray();

        Assert.True(variants.Distinct().Count() > 10);
        Assert.Equal(variants[3], TextAugmenter.Vary(Text, cut: true, new DeterministicRandom(3)));
    }
}
