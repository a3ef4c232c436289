namespace Provenance.Detector.Evaluation;

/// <summary>Metrics of hard class decisions.</summary>
public static class ClassMetrics
{
    /// <summary>Unweighted mean of per-class F1 over the classes that occur in the labels or the predictions.</summary>
    public static double MacroF1(IReadOnlyList<int> predicted, IReadOnlyList<int> actual, int classes)
    {
        var f1s = new List<double>();
        for (var c = 0; c < classes; c++)
        {
            int tp = 0, fp = 0, fn = 0;
            for (var i = 0; i < actual.Count; i++)
            {
                if (predicted[i] == c && actual[i] == c)
                {
                    tp++;
                }
                else if (predicted[i] == c)
                {
                    fp++;
                }
                else if (actual[i] == c)
                {
                    fn++;
                }
            }
            if (tp + fp + fn > 0)
            {
                f1s.Add(2.0 * tp / (2.0 * tp + fp + fn));
            }
        }
        return f1s.Count == 0 ? double.NaN : f1s.Average();
    }
}
