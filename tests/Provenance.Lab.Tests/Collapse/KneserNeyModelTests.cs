using Provenance.Lab.Collapse;

namespace Provenance.Lab.Tests.Collapse;

public class KneserNeyModelTests
{
    static readonly string[] Training =
    [
        "the cat sat on the mat .",
        "the dog sat on the log .",
        "a cat and a dog sat together on the mat .",
    ];

    [Theory]
    [InlineData("<s>", "<s>")]
    [InlineData("sat", "on")]
    [InlineData("never", "seen")]
    [InlineData("the", "unicorn")]
    public void ProbabilitiesOfEveryOutcomeSumToOne(string first, string second)
    {
        var model = KneserNeyModel.Train(Training, order: 3);

        var sum = model.Outcomes.Sum(w => model.Probability([first, second], w));

        Assert.Equal(1.0, sum, 9);
    }

    [Fact]
    public void ASeenContinuationIsLikelierThanAnUnseenWord()
    {
        var model = KneserNeyModel.Train(Training, order: 3);

        Assert.True(model.Probability(["sat", "on"], "the") > 0.5);
        Assert.True(model.Probability(["sat", "on"], "zebra") is > 0 and < 0.01);
    }

    [Fact]
    public void GenerationStartsWithThePromptAndHasTheAskedLengthFromTrainingWordsOnly()
    {
        var model = KneserNeyModel.Train(Training, order: 3);
        var vocabulary = Training.SelectMany(WordTokenizer.Split).ToHashSet();

        var text = model.Generate(["the", "cat"], 12, new Random(3));

        var words = WordTokenizer.Split(text);
        Assert.Equal(12, words.Count);
        Assert.Equal(["the", "cat"], words.Take(2));
        Assert.All(words, w => Assert.Contains(w, vocabulary));
    }

    [Fact]
    public void AModelOfTheTestTextItselfHasLowerCrossEntropyThanOneOfOtherText()
    {
        var test = GeneratedCorpus.Documents(50, seed: 1);
        var other = GeneratedCorpus.Documents(50, seed: 2);

        var own = KneserNeyModel.Train(test).Evaluate(test);
        var foreign = KneserNeyModel.Train(other).Evaluate(test);

        Assert.True(own.BitsPerToken < foreign.BitsPerToken, $"{own.BitsPerToken} vs {foreign.BitsPerToken}");
        Assert.Equal(0, own.UnseenShare);
        Assert.True(foreign.UnseenShare > 0.5);
    }

    [Fact]
    public void DistinctNCountsRepeatedNGramsOnce()
    {
        Assert.Equal(0.5, TextMetrics.DistinctN(["a b a b a"], 2));
        Assert.Equal(1.0, TextMetrics.DistinctN(["a b c"], 1));
    }
}
