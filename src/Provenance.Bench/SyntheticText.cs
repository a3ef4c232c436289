using System.Text;

namespace Provenance.Bench;

/// <summary>
/// Deterministic English-looking text of a chosen size: words drawn from a fixed vocabulary with a Zipf-like
/// skew, so token counts and compression behave like prose. A nonce makes every document unique.
/// </summary>
public sealed class SyntheticText(int seed)
{
    static readonly string[] Vocabulary = BuildVocabulary();
    readonly Random _random = new(seed);

    public string Next(int bytes, long nonce)
    {
        var sb = new StringBuilder(bytes + 32);
        sb.Append("Record ").Append(nonce).Append(". ");
        var sentence = 0;
        while (sb.Length < bytes)
        {
            // Squaring a uniform draw skews towards the start of the vocabulary, where the common words are.
            var u = _random.NextDouble();
            var word = Vocabulary[(int)(u * u * Vocabulary.Length)];
            sb.Append(sentence == 0 ? char.ToUpperInvariant(word[0]) + word[1..] : word);
            if (++sentence > 8 + _random.Next(12))
            {
                sb.Append(". ");
                sentence = 0;
            }
            else
            {
                sb.Append(' ');
            }
        }
        return sb.ToString(0, bytes).TrimEnd() + ".";
    }

    static string[] BuildVocabulary()
    {
        string[] common = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not", "he",
            "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were", "their", "one", "all",
            "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who", "so", "no", "river", "city", "model",
            "data", "history", "people", "water", "system", "language", "government", "research", "years", "school", "market", "music"];
        var random = new Random(7);
        const string letters = "etaoinshrdlcumwfgypbvkjxqz";
        var words = new List<string>(common);
        while (words.Count < 5000)
        {
            var length = 3 + random.Next(8);
            var chars = new char[length];
            for (var i = 0; i < length; i++)
            {
                var u = random.NextDouble();
                chars[i] = letters[(int)(u * u * letters.Length)];
            }
            words.Add(new string(chars));
        }
        return [.. words];
    }
}
