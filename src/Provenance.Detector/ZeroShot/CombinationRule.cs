using System.Text.Json;
using System.Text.Json.Serialization;
using Provenance.Detector.Modeling;

namespace Provenance.Detector.ZeroShot;

/// <summary>One held-out document for fitting a <see cref="CombinationRule"/>.</summary>
/// <param name="ClassifierPSynthetic">The trained classifier's p_synthetic for the document, from a model that did not train on its family.</param>
/// <param name="ZeroShotScore">The zero-shot machine score (<see cref="ZeroShot.ZeroShotScore.MachineScore"/>: higher is more machine-like).</param>
/// <param name="Machine">True for machine-written or mixed (not purely human), as p_synthetic counts it.</param>
/// <param name="Family">The generator family or source the row belongs to; every family weighs the same in the fit.</param>
public readonly record struct CombinationRow(double ClassifierPSynthetic, double ZeroShotScore, bool Machine, string Family);

/// <summary>
/// The one rule that combines the trained classifier with a zero-shot score:
/// p = σ(a·logit(clamp(p_synthetic, 1e-6, 1 - 1e-6)) + b·(s - μ)/σ + c), with μ and σ standardising the zero-shot
/// machine score s. Serialised as JSON next to the models it was fitted for.
/// </summary>
/// <param name="A">Weight of the classifier's logit.</param>
/// <param name="B">Weight of the standardised zero-shot score.</param>
/// <param name="C">Intercept.</param>
/// <param name="Mean">μ, the zero-shot score's mean over the fitting rows (family-balanced).</param>
/// <param name="Scale">σ, its standard deviation over the same rows (1 when they do not vary).</param>
public sealed record CombinationRule(double A, double B, double C, double Mean, double Scale)
{
    /// <summary>p_synthetic is clamped to [Epsilon, 1 - Epsilon] before its logit, so a classifier's 0 or 1 stays finite.</summary>
    public const double Epsilon = 1e-6;

    /// <summary>Default L2 penalty on a and b, per unit of (normalised) row weight: enough to keep separable data finite, too small to bias a real fit.</summary>
    public const double DefaultL2 = 1e-3;

    /// <summary>The classifier the rule was fitted for ("name@version"); a combined detector refuses another. Null: not recorded.</summary>
    public string? Classifier { get; init; }

    /// <summary>The zero-shot scorer it was fitted for (<see cref="ZeroShotScorer.Id"/>); a combined detector refuses another. Null: not recorded.</summary>
    public string? Scorer { get; init; }

    /// <summary>Decision thresholds for the combined probability; null uses the classifier's.</summary>
    public DetectorThresholds? Thresholds { get; init; }

    /// <summary>Rows and families the rule was fitted on.</summary>
    public int Rows { get; init; }

    public int Families { get; init; }

    /// <summary>The combined p_synthetic.</summary>
    public double Probability(double classifierPSynthetic, double zeroShotScore) =>
        Sigmoid(A * Logit(classifierPSynthetic) + B * (zeroShotScore - Mean) / Scale + C);

    /// <summary>
    /// The combined (P(human), P(mixed)) of a text the classifier scored (<paramref name="pHuman"/>, <paramref name="pMixed"/>)
    /// and the zero-shot scorer gave <paramref name="zeroShot"/>. The rule says how likely "not purely human" is; the
    /// classifier alone says which part of that is mixed. A text the scorer could not read keeps the classifier's.
    /// </summary>
    public (float PHuman, float PMixed) Combine(float pHuman, float pMixed, ZeroShotScore zeroShot)
    {
        if (!zeroShot.IsScored)
        {
            return (pHuman, pMixed);
        }
        var classifierSynthetic = 1 - pHuman;
        var synthetic = Probability(classifierSynthetic, zeroShot.MachineScore);
        var mixedShare = classifierSynthetic > 0 ? Math.Clamp(pMixed / classifierSynthetic, 0, 1) : 0;
        return ((float)(1 - synthetic), (float)(synthetic * mixedShare));
    }

    internal static double Logit(double p)
    {
        var clamped = Math.Clamp(p, Epsilon, 1 - Epsilon);
        return Math.Log(clamped / (1 - clamped));
    }

    static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    /// <summary>
    /// Fits a, b, c, μ and σ by family-balanced weighted logistic regression (Newton's method on three parameters,
    /// L2 <paramref name="l2"/> on a and b): every family carries the same total weight, and within a family the human
    /// and the machine rows carry half each (a family with one class gives its whole weight to it). Held-out rows from
    /// many generators are rarely balanced; without this the most numerous family would set the rule.
    /// </summary>
    public static CombinationRule Fit(IEnumerable<CombinationRow> rows, double l2 = DefaultL2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(l2);
        var data = rows.ToArray();
        for (var i = 0; i < data.Length; i++)
        {
            if (!double.IsFinite(data[i].ZeroShotScore) || !double.IsFinite(data[i].ClassifierPSynthetic))
            {
                throw new ArgumentException($"Row {i} (family '{data[i].Family}') has a score that is not a number; drop texts the zero-shot scorer could not score.");
            }
        }
        if (!data.Any(r => r.Machine) || !data.Any(r => !r.Machine))
        {
            throw new ArgumentException("Fitting a combination rule needs human and machine rows.");
        }

        var weights = BalancedWeights(data);
        var mean = 0.0;
        for (var i = 0; i < data.Length; i++)
        {
            mean += weights[i] * data[i].ZeroShotScore;
        }
        var variance = 0.0;
        for (var i = 0; i < data.Length; i++)
        {
            variance += weights[i] * (data[i].ZeroShotScore - mean) * (data[i].ZeroShotScore - mean);
        }
        var scale = variance > 1e-24 ? Math.Sqrt(variance) : 1;

        var x = new double[data.Length][];
        var y = new double[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            x[i] = [Logit(data[i].ClassifierPSynthetic), (data[i].ZeroShotScore - mean) / scale, 1];
            y[i] = data[i].Machine ? 1 : 0;
        }
        // Start from the classifier alone: a = 1, b = 0, c = 0.
        var beta = Newton(x, y, weights, l2, [1, 0, 0]);
        return new CombinationRule(beta[0], beta[1], beta[2], mean, scale)
        {
            Rows = data.Length,
            Families = data.Select(r => r.Family).Distinct(StringComparer.Ordinal).Count(),
        };
    }

    /// <summary>Weights summing to 1: 1/F per family, split equally between its human and machine rows.</summary>
    static double[] BalancedWeights(CombinationRow[] data)
    {
        var counts = data.GroupBy(r => (r.Family, r.Machine)).ToDictionary(g => g.Key, g => g.Count());
        var families = data.Select(r => r.Family).Distinct(StringComparer.Ordinal).Count();
        var weights = new double[data.Length];
        for (var i = 0; i < data.Length; i++)
        {
            var family = data[i].Family;
            var classes = counts.ContainsKey((family, true)) && counts.ContainsKey((family, false)) ? 2 : 1;
            weights[i] = 1.0 / families / classes / counts[(family, data[i].Machine)];
        }
        return weights;
    }

    /// <summary>Damped Newton on the weighted mean log-loss plus l2/2·(a² + b²); three parameters, so the 3×3 system is solved directly.</summary>
    static double[] Newton(double[][] x, double[] y, double[] w, double l2, double[] start)
    {
        var beta = start;
        var loss = Loss(x, y, w, l2, beta);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var gradient = new double[3];
            var hessian = new double[3, 3];
            for (var i = 0; i < x.Length; i++)
            {
                var p = Sigmoid(Dot(x[i], beta));
                var residual = w[i] * (p - y[i]);
                var curvature = w[i] * p * (1 - p);
                for (var j = 0; j < 3; j++)
                {
                    gradient[j] += residual * x[i][j];
                    for (var k = 0; k < 3; k++)
                    {
                        hessian[j, k] += curvature * x[i][j] * x[i][k];
                    }
                }
            }
            for (var j = 0; j < 2; j++)
            {
                gradient[j] += l2 * beta[j];
                hessian[j, j] += l2;
            }
            // A whisker of ridge on every parameter keeps the system solvable when a column is constant.
            for (var j = 0; j < 3; j++)
            {
                hessian[j, j] += 1e-12;
            }
            var step = Solve(hessian, gradient);
            var scale = 1.0;
            double[] next;
            double nextLoss;
            do
            {
                next = [beta[0] - scale * step[0], beta[1] - scale * step[1], beta[2] - scale * step[2]];
                nextLoss = Loss(x, y, w, l2, next);
                scale /= 2;
            }
            while (nextLoss > loss + 1e-15 && scale > 1e-10);
            var moved = Math.Abs(next[0] - beta[0]) + Math.Abs(next[1] - beta[1]) + Math.Abs(next[2] - beta[2]);
            beta = next;
            loss = nextLoss;
            if (moved < 1e-12)
            {
                break;
            }
        }
        return beta;
    }

    static double Loss(double[][] x, double[] y, double[] w, double l2, double[] beta)
    {
        var loss = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            var z = Dot(x[i], beta);
            // log(1 + e^z) - y·z, written to stay finite for large |z|.
            loss += w[i] * (Math.Max(z, 0) + Math.Log(1 + Math.Exp(-Math.Abs(z))) - y[i] * z);
        }
        return loss + l2 / 2 * (beta[0] * beta[0] + beta[1] * beta[1]);
    }

    static double Dot(double[] a, double[] b) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];

    /// <summary>Gaussian elimination with partial pivoting on a 3×3 system.</summary>
    static double[] Solve(double[,] matrix, double[] vector)
    {
        var m = (double[,])matrix.Clone();
        var v = (double[])vector.Clone();
        for (var col = 0; col < 3; col++)
        {
            var pivot = col;
            for (var row = col + 1; row < 3; row++)
            {
                if (Math.Abs(m[row, col]) > Math.Abs(m[pivot, col]))
                {
                    pivot = row;
                }
            }
            if (pivot != col)
            {
                for (var k = 0; k < 3; k++)
                {
                    (m[col, k], m[pivot, k]) = (m[pivot, k], m[col, k]);
                }
                (v[col], v[pivot]) = (v[pivot], v[col]);
            }
            for (var row = col + 1; row < 3; row++)
            {
                var factor = m[row, col] / m[col, col];
                for (var k = col; k < 3; k++)
                {
                    m[row, k] -= factor * m[col, k];
                }
                v[row] -= factor * v[col];
            }
        }
        var solution = new double[3];
        for (var row = 2; row >= 0; row--)
        {
            var sum = v[row];
            for (var k = row + 1; k < 3; k++)
            {
                sum -= m[row, k] * solution[k];
            }
            solution[row] = sum / m[row, row];
        }
        return solution;
    }

    public string ToJson() => JsonSerializer.Serialize(this, CombinationRuleJsonContext.Default.CombinationRule);

    public static CombinationRule FromJson(string json)
    {
        var rule = JsonSerializer.Deserialize(json, CombinationRuleJsonContext.Default.CombinationRule)
            ?? throw new InvalidDataException("The combination rule is empty.");
        if (!double.IsFinite(rule.A) || !double.IsFinite(rule.B) || !double.IsFinite(rule.C) || !double.IsFinite(rule.Mean) || !(rule.Scale > 0))
        {
            throw new InvalidDataException($"The combination rule's coefficients must be finite and its scale positive (a={rule.A}, b={rule.B}, c={rule.C}, mean={rule.Mean}, scale={rule.Scale}).");
        }
        return rule;
    }

    public static CombinationRule Load(string path) =>
        File.Exists(path) ? FromJson(File.ReadAllText(path)) : throw new FileNotFoundException($"No combination rule at {path}.", path);
}

[JsonSerializable(typeof(CombinationRule))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class CombinationRuleJsonContext : JsonSerializerContext;
