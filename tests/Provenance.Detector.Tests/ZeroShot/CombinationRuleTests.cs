using Provenance.Detector.Modeling;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Tests.ZeroShot;

public class CombinationRuleTests
{
    /// <summary>
    /// Rows drawn from a known rule: the classifier's logit ~ N(0, 1.5²), the zero-shot score ~ N(shift, spread²), and
    /// Machine ~ Bernoulli(σ(a·logit + b·(s - shift)/spread + c)).
    /// </summary>
    static List<CombinationRow> Draw(Random random, string family, int count, double a, double b, double c, double shift = 3, double spread = 2)
    {
        var rows = new List<CombinationRow>(count);
        for (var i = 0; i < count; i++)
        {
            var logit = Normal(random) * 1.5;
            var score = shift + spread * Normal(random);
            var eta = a * logit + b * (score - shift) / spread + c;
            var machine = random.NextDouble() < 1 / (1 + Math.Exp(-eta));
            rows.Add(new CombinationRow(1 / (1 + Math.Exp(-logit)), score, machine, family));
        }
        return rows;
    }

    static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void TheFitRecoversTheSignAndSizeOfKnownCoefficients()
    {
        var random = new Random(11);
        var rows = Draw(random, "gpt", 4000, a: 1.2, b: -0.8, c: 0.3);
        rows.AddRange(Draw(random, "llama", 3000, a: 1.2, b: -0.8, c: 0.3));

        var rule = CombinationRule.Fit(rows);

        Assert.InRange(rule.A, 1.0, 1.4);
        Assert.InRange(rule.B, -1.0, -0.6);
        Assert.InRange(rule.Mean, 2.8, 3.2);
        Assert.InRange(rule.Scale, 1.8, 2.2);
        Assert.Equal(7000, rule.Rows);
        Assert.Equal(2, rule.Families);
    }

    [Fact]
    public void RepeatingAFamilysRowsDoesNotChangeTheFit()
    {
        var random = new Random(12);
        var big = Draw(random, "big", 600, a: 1, b: 2, c: 0);
        var small = Draw(random, "small", 150, a: 0.5, b: -1, c: 0.5);
        var repeated = big.Concat(small).Concat(small).Concat(small).ToList();

        var once = CombinationRule.Fit(big.Concat(small));
        var thrice = CombinationRule.Fit(repeated);

        AssertSame(once, thrice);
    }

    [Fact]
    public void RepeatingOneClassWithinAFamilyDoesNotChangeTheFit()
    {
        var random = new Random(13);
        var rows = Draw(random, "a", 500, a: 1, b: 1, c: -1).Concat(Draw(random, "b", 300, a: 1, b: 1, c: 1)).ToList();
        var moreMachine = rows.Concat(rows.Where(r => r.Machine && r.Family == "a")).ToList();

        var fitted = CombinationRule.Fit(rows);
        var refitted = CombinationRule.Fit(moreMachine);

        AssertSame(fitted, refitted);
    }

    [Fact]
    public void AFamilyWithManyRowsDoesNotOutweighAFamilyWithFew()
    {
        var random = new Random(14);
        // The zero-shot score points one way for the numerous family and the other way for the rare one: weighed by
        // family they cancel, weighed by row the numerous family would set b near +1.5.
        var rows = Draw(random, "numerous", 20_000, a: 1, b: 1.5, c: 0).Concat(Draw(random, "rare", 200, a: 1, b: -1.5, c: 0)).ToList();

        var rule = CombinationRule.Fit(rows);
        // One family per row is the unbalanced fit: every row weighs the same.
        var perRow = CombinationRule.Fit(rows.Select((r, i) => r with { Family = i.ToString(System.Globalization.CultureInfo.InvariantCulture) }));

        Assert.InRange(rule.B, -0.4, 0.4);
        Assert.InRange(perRow.B, 1.2, 1.8);
    }

    [Fact]
    public void TheProbabilityIsTheRuleWrittenOut()
    {
        var rule = new CombinationRule(A: 0.9, B: 1.7, C: -0.4, Mean: 2, Scale: 0.5);

        var p = rule.Probability(0.8, 3);
        var certain = rule.Probability(1, 2);

        Assert.Equal(1 / (1 + Math.Exp(-(0.9 * Math.Log(0.8 / 0.2) + 1.7 * (3 - 2) / 0.5 - 0.4))), p, 1e-12);
        // p_synthetic = 1 is clamped to 1 - 1e-6 before its logit.
        Assert.Equal(1 / (1 + Math.Exp(-(0.9 * Math.Log((1 - 1e-6) / 1e-6) - 0.4))), certain, 1e-12);
    }

    [Fact]
    public void TheRuleRoundTripsThroughJson()
    {
        var rule = new CombinationRule(1.1, -0.7, 0.2, 3.5, 1.25)
        {
            Classifier = "provenance-detector@2.0.0",
            Scorer = "fast-detect-gpt:qwen2.5-0.5b",
            Thresholds = new DetectorThresholds(0.6, 0.5, 0.2, 0.8, 0.9, Human: 0.3),
            Rows = 1234,
            Families = 7,
        };

        var json = rule.ToJson();
        var back = CombinationRule.FromJson(json);

        Assert.Equal(rule, back);
        Assert.Contains("\"scorer\": \"fast-detect-gpt:qwen2.5-0.5b\"", json);
        Assert.Contains("\"a\": 1.1", json);
    }

    [Fact]
    public void ARuleWithoutAPositiveScaleIsRejected()
    {
        var error = Assert.Throws<InvalidDataException>(() => CombinationRule.FromJson("""{"a": 1, "b": 1, "c": 0, "mean": 0, "scale": 0}"""));

        Assert.Contains("scale", error.Message);
    }

    [Fact]
    public void FittingNeedsBothClassesAndRealScores()
    {
        var humanOnly = new[] { new CombinationRow(0.2, 1, false, "x"), new CombinationRow(0.3, 2, false, "x") };
        var withNaN = new[] { new CombinationRow(0.2, 1, false, "x"), new CombinationRow(0.9, double.NaN, true, "x") };

        Assert.Throws<ArgumentException>(() => CombinationRule.Fit(humanOnly));
        var error = Assert.Throws<ArgumentException>(() => CombinationRule.Fit(withNaN));
        Assert.Contains("Row 1", error.Message);
    }

    static void AssertSame(CombinationRule expected, CombinationRule actual)
    {
        Assert.Equal(expected.A, actual.A, 1e-8);
        Assert.Equal(expected.B, actual.B, 1e-8);
        Assert.Equal(expected.C, actual.C, 1e-8);
        Assert.Equal(expected.Mean, actual.Mean, 1e-10);
        Assert.Equal(expected.Scale, actual.Scale, 1e-10);
    }
}
