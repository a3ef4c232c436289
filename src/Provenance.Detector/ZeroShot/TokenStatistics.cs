using System.Numerics;
using System.Numerics.Tensors;

namespace Provenance.Detector.ZeroShot;

/// <summary>
/// Per-position statistics of a next-token distribution, straight from a row of logits. Each is one vectorised pass
/// after the max: exponentials in single precision (as the model computed its logits), partial sums in single
/// precision over blocks of <see cref="Block"/> vectors, totals in double, because a vocabulary of 150,000 terms summed
/// in float alone loses digits the criteria divide by, while widening every vector costs more than the exponentials.
/// </summary>
internal static class TokenStatistics
{
    /// <summary>Below this a shifted logit's probability is 0 in float; clamping keeps -inf logits from making 0 × -inf = NaN.</summary>
    const float Floor = -1000f;

    /// <summary>Vectors summed in float before the sum moves to double: error at most ~32 roundings per lane.</summary>
    const int Block = 32;

    /// <summary>
    /// For p = softmax(<paramref name="logits"/>): log p(<paramref name="target"/>), the mean of log p under p, and its
    /// variance under p: Fast-DetectGPT's analytic terms.
    /// </summary>
    public static (double LogLikelihood, double Mean, double Variance) Analytic(ReadOnlySpan<float> logits, int target)
    {
        var max = TensorPrimitives.Max(logits);
        // With a = logit - max and S_k = Σ e^a a^k: log p = a - log S0, so E[log p] = S1/S0 - log S0 and
        // Var[log p] = Var[a] = S2/S0 - (S1/S0)^2, the log S0 shift cancelling out of the variance.
        var shift = new Vector<float>(max);
        var floor = new Vector<float>(Floor);
        Vector<double> s0 = Vector<double>.Zero, s1 = Vector<double>.Zero, s2 = Vector<double>.Zero;
        var i = 0;
        while (i <= logits.Length - Vector<float>.Count)
        {
            Vector<float> f0 = Vector<float>.Zero, f1 = Vector<float>.Zero, f2 = Vector<float>.Zero;
            for (var k = 0; k < Block && i <= logits.Length - Vector<float>.Count; k++, i += Vector<float>.Count)
            {
                var a = Vector.Max(new Vector<float>(logits[i..]) - shift, floor);
                var e = Vector.Exp(a);
                var ea = e * a;
                f0 += e;
                f1 += ea;
                f2 += ea * a;
            }
            s0 += Widened(f0);
            s1 += Widened(f1);
            s2 += Widened(f2);
        }
        double t0 = Vector.Sum(s0), t1 = Vector.Sum(s1), t2 = Vector.Sum(s2);
        for (; i < logits.Length; i++)
        {
            var a = Math.Max(logits[i] - max, Floor);
            double e = MathF.Exp(a);
            t0 += e;
            t1 += e * a;
            t2 += e * a * a;
        }
        var logZ = Math.Log(t0);
        var mean = t1 / t0;
        return (logits[target] - max - logZ, mean - logZ, Math.Max(0, t2 / t0 - mean * mean));
    }

    /// <summary>
    /// With p = softmax(<paramref name="observer"/>) and q = softmax(<paramref name="performer"/>): the cross-entropy
    /// -Σ p log q, and -log q(<paramref name="target"/>) (NaN when <paramref name="target"/> is negative): Binoculars' terms.
    /// </summary>
    public static (double CrossEntropy, double TargetLoss) CrossEntropy(ReadOnlySpan<float> observer, ReadOnlySpan<float> performer, int target)
    {
        var maxP = TensorPrimitives.Max(observer);
        var maxQ = TensorPrimitives.Max(performer);
        // With a = observer - maxP and b = performer - maxQ: log q = b - log Σ e^b, so
        // -Σ p log q = log Σ e^b - (Σ e^a b) / Σ e^a.
        var shiftP = new Vector<float>(maxP);
        var shiftQ = new Vector<float>(maxQ);
        var floor = new Vector<float>(Floor);
        Vector<double> sumP = Vector<double>.Zero, sumQ = Vector<double>.Zero, cross = Vector<double>.Zero;
        var i = 0;
        while (i <= observer.Length - Vector<float>.Count)
        {
            Vector<float> fP = Vector<float>.Zero, fQ = Vector<float>.Zero, fCross = Vector<float>.Zero;
            for (var k = 0; k < Block && i <= observer.Length - Vector<float>.Count; k++, i += Vector<float>.Count)
            {
                var a = Vector.Max(new Vector<float>(observer[i..]) - shiftP, floor);
                var b = Vector.Max(new Vector<float>(performer[i..]) - shiftQ, floor);
                var ea = Vector.Exp(a);
                fP += ea;
                fQ += Vector.Exp(b);
                fCross += ea * b;
            }
            sumP += Widened(fP);
            sumQ += Widened(fQ);
            cross += Widened(fCross);
        }
        double tP = Vector.Sum(sumP), tQ = Vector.Sum(sumQ), tCross = Vector.Sum(cross);
        for (; i < observer.Length; i++)
        {
            var a = Math.Max(observer[i] - maxP, Floor);
            var b = Math.Max(performer[i] - maxQ, Floor);
            double ea = MathF.Exp(a);
            tP += ea;
            tQ += MathF.Exp(b);
            tCross += ea * b;
        }
        var logZq = Math.Log(tQ);
        var loss = target >= 0 ? logZq - (performer[target] - maxQ) : double.NaN;
        return (logZq - tCross / tP, loss);
    }

    static Vector<double> Widened(Vector<float> values)
    {
        Vector.Widen(values, out var low, out var high);
        return low + high;
    }
}
