using System.Buffers.Binary;
using System.Security.Cryptography;
using Provenance.Domain.Generators;
using Provenance.Text.Tokens;

namespace Provenance.Detection.Watermarks;

/// <summary>
/// The green-list watermark of Kirchenbauer et al., "A Watermark for Large Language Models" (ICML 2023). While
/// generating, the model adds δ to the logits of a green list, a fraction γ of the vocabulary chosen afresh for
/// every position from a key and the tokens before it. Text written without the key lands on the green list at rate γ;
/// watermarked text, well above it. The test counts green tokens |s|_G among T scored tokens:
/// z = (|s|_G − γT) / √(T γ (1 − γ)), one-sided p = P(N(0,1) ≥ z), detected when z ≥ the threshold (the paper: 4).
/// </summary>
/// <remarks>
/// <para>
/// Green-list membership is a keyed hash, not a permutation of the vocabulary: the reference implementation seeds
/// PyTorch's generator with key × previous token and takes the first γ|V| of <c>randperm(|V|)</c>, which is defined
/// only by PyTorch's generator (CPU and CUDA differ), so nothing outside that runtime can reproduce it, and it costs
/// a |V|-sized permutation per position. Here, for the token t at position i with context c = the
/// <see cref="WatermarkScheme.ContextWidth"/> token ids before it:
/// seed = the first 8 bytes, little-endian, of HMAC-SHA256(key as UTF-8, c's ids as little-endian int32s);
/// u = SplitMix64's finalizer applied to seed XOR t (as an unsigned 32-bit value);
/// t is green when u / 2⁶⁴ &lt; γ (compared as u >> 11 &lt; ⌊γ 2⁵³⌋).
/// Each token is green with probability γ, independently of every other given the key, as in the paper; only the
/// green list's size varies (binomially, ±0.2% of a 200k vocabulary) instead of being exactly γ|V|, which the z-test
/// does not use. A generator computes its green list at a position with one HMAC and |V| cheap mixes; this test costs
/// one HMAC per scored token.
/// </para>
/// <para>
/// The first <see cref="WatermarkScheme.ContextWidth"/> tokens have no full context and are not scored. With
/// <see cref="WatermarkScheme.CountRepeatsOnce"/> a (context, token) pair that recurs is counted once, as the
/// reference's <c>ignore_repeated_ngrams</c> does: a repeated phrase is one piece of evidence, and counting its copies
/// would let repetitive human text reach the threshold.
/// </para>
/// </remarks>
public sealed class KirchenbauerWatermark(WatermarkScheme scheme, GeneratorName generator) : IWatermarkCheck
{
    /// <summary>The scheme's name in configuration and in <c>watermark:kirchenbauer</c>.</summary>
    public const string Name = "kirchenbauer";

    readonly byte[] _key = System.Text.Encoding.UTF8.GetBytes(scheme.Key);
    readonly ulong _greenBelow = GreenBound(scheme.Gamma);

    public string Scheme => Name;

    public GeneratorName Generator => generator;

    public WatermarkResult? Check(string text) => Score(TokenIds.Encode(scheme.Tokenizer, text));

    /// <summary>The test on token ids already encoded with the scheme's tokenizer.</summary>
    public WatermarkResult? Score(IReadOnlyList<int> tokens)
    {
        var width = scheme.ContextWidth;
        var seen = scheme.CountRepeatsOnce ? new HashSet<string>(StringComparer.Ordinal) : null;
        var seeds = new Dictionary<string, ulong>(StringComparer.Ordinal);
        int scored = 0, green = 0;
        for (var i = width; i < tokens.Count; i++)
        {
            var context = ContextKey(tokens, i - width, width);
            if (seen is not null && !seen.Add($"{context}|{tokens[i]}"))
            {
                continue;
            }
            if (!seeds.TryGetValue(context, out var seed))
            {
                seeds[context] = seed = Seed(tokens, i - width, width);
            }
            scored++;
            green += IsGreen(seed, tokens[i]) ? 1 : 0;
        }
        if (scored < scheme.MinTokens)
        {
            return null;
        }
        var z = ZScore(green, scored, scheme.Gamma);
        return new WatermarkResult(Name, generator.ToString(), z, UpperTail(z), scored, green, scheme.Gamma, scheme.ZThreshold,
            scheme.Tokenizer, width, scheme.CountRepeatsOnce, z >= scheme.ZThreshold);
    }

    /// <summary>
    /// The green list of the position after <paramref name="context"/> (its last <see cref="WatermarkScheme.ContextWidth"/>
    /// ids) contains <paramref name="token"/>: what a generator biases towards, and what this test counts.
    /// </summary>
    public bool IsGreen(IReadOnlyList<int> context, int token) =>
        IsGreen(Seed(context, context.Count - scheme.ContextWidth, scheme.ContextWidth), token);

    bool IsGreen(ulong seed, int token) => Mix(seed ^ (uint)token) >> 11 < _greenBelow;

    ulong Seed(IReadOnlyList<int> tokens, int from, int width)
    {
        Span<byte> context = stackalloc byte[width * sizeof(int)];
        for (var j = 0; j < width; j++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(context[(j * sizeof(int))..], tokens[from + j]);
        }
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, context, mac);
        return BinaryPrimitives.ReadUInt64LittleEndian(mac);
    }

    static string ContextKey(IReadOnlyList<int> tokens, int from, int width) =>
        width == 1 ? tokens[from].ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Join(',', Enumerable.Range(from, width).Select(j => tokens[j]));

    /// <summary>SplitMix64's output function: a bijection of 64-bit values whose outputs pass BigCrush.</summary>
    static ulong Mix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    static ulong GreenBound(double gamma) => (ulong)Math.Floor(gamma * (1UL << 53));

    /// <summary>z = (|s|_G − γT) / √(T γ (1 − γ)): how many standard deviations the green count lies above chance.</summary>
    public static double ZScore(int green, int scored, double gamma) =>
        (green - gamma * scored) / Math.Sqrt(scored * gamma * (1 - gamma));

    /// <summary>P(N(0,1) ≥ z), accurate to a relative 1.2 × 10⁻⁷ far into the tail (where 1 − Φ(z) would round to 0).</summary>
    public static double UpperTail(double z) => 0.5 * Erfc(z / Math.Sqrt(2));

    /// <summary>The complementary error function by Chebyshev fitting (Numerical Recipes' <c>erfcc</c>; fractional error below 1.2 × 10⁻⁷).</summary>
    static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + 0.5 * z);
        var r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
            + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
