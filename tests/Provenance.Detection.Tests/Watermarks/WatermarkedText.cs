using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Provenance.Detection.Watermarks;
using Provenance.Domain.Generators;
using Provenance.Text.Tokens;

namespace Provenance.Detection.Tests.Watermarks;

/// <summary>
/// Texts the tests watermark themselves, as a generator would: each next token is sampled from a word list with δ
/// added to the logit of the words on the green list of the tokens before it, then the tokens are decoded to text.
/// </summary>
internal static partial class WatermarkedText
{
    public const string Key = "a watermark key only these tests know, 2026";
    public const string OtherKey = "another generator's key";
    public static readonly GeneratorName Generator = new("test-lm", "1");

    static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>Public-domain passages written by people (Lincoln, Dickens, Austen, Darwin, Twain...).</summary>
    public static IReadOnlyList<string> HumanTexts() =>
        [.. File.ReadLines(Path.Combine(Fixtures, "public-domain-human.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!)];

    public static WatermarkScheme Scheme(string key = Key, int contextWidth = 1) => new()
    {
        Generator = Generator.ToString(),
        Key = key,
        Gamma = 0.25,
        ZThreshold = 4,
        ContextWidth = contextWidth,
    };

    public static KirchenbauerWatermark Check(string key = Key, int contextWidth = 1) => new(Scheme(key, contextWidth), Generator);

    /// <summary>
    /// The vocabulary the "model" writes with: words of the human passages that are one o200k_base token with their
    /// leading space, so the decoded text encodes back to the very tokens sampled.
    /// </summary>
    static readonly Lazy<int[]> Vocabulary = new(() =>
        [.. HumanTexts().SelectMany(t => Word().Matches(t.ToLowerInvariant()).Select(m => m.Value)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(w => TokenIds.Encode(TokenIds.O200kBase, " " + w)).Where(ids => ids.Count == 1).Select(ids => ids[0])]);

    /// <summary>
    /// <paramref name="length"/> tokens sampled with the watermark of <paramref name="check"/> at strength
    /// <paramref name="delta"/> (the paper's δ; 2 puts about 70% of tokens on the green list at γ = 0.25), decoded.
    /// </summary>
    public static string Generate(KirchenbauerWatermark check, int length, double delta = 2, int seed = 7, int contextWidth = 1)
    {
        var random = new Random(seed);
        var vocabulary = Vocabulary.Value;
        var tokens = new List<int> { vocabulary[random.Next(vocabulary.Length)] };
        while (tokens.Count < contextWidth)
        {
            tokens.Add(vocabulary[random.Next(vocabulary.Length)]);
        }
        var weights = new double[vocabulary.Length];
        while (tokens.Count < length)
        {
            var context = tokens[^contextWidth..];
            var total = 0.0;
            for (var v = 0; v < vocabulary.Length; v++)
            {
                total += weights[v] = check.IsGreen(context, vocabulary[v]) ? Math.Exp(delta) : 1;
            }
            var pick = random.NextDouble() * total;
            var chosen = 0;
            while (chosen < vocabulary.Length - 1 && (pick -= weights[chosen]) > 0)
            {
                chosen++;
            }
            tokens.Add(vocabulary[chosen]);
        }
        var text = new StringBuilder(TokenIds.Decode(TokenIds.O200kBase, tokens).Trim());
        text[0] = char.ToUpperInvariant(text[0]);
        return text.Append('.').ToString();
    }

    [GeneratedRegex(@"\b[a-z]{2,}\b")]
    private static partial Regex Word();
}
