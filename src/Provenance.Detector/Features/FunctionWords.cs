namespace Provenance.Detector.Features;

/// <summary>
/// English function words. Stylometry's "text distortion" (Stamatatos 2017): keep these and punctuation, mask every
/// content word by its shape, and n-grams of the result describe how a text is put together rather than what it is
/// about, which carries over to topics the training corpus never saw.
/// </summary>
internal static class FunctionWords
{
    static readonly string[] Words =
    [
        "a", "about", "above", "after", "again", "against", "all", "also", "although", "always", "am", "an", "and", "any",
        "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
        "could", "did", "do", "does", "doing", "down", "during", "each", "either", "enough", "even", "ever", "every",
        "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
        "himself", "his", "how", "however", "i", "if", "in", "indeed", "into", "is", "it", "its", "itself", "just",
        "least", "less", "like", "many", "may", "me", "might", "more", "most", "much", "must", "my", "myself", "neither",
        "never", "no", "nor", "not", "now", "of", "off", "often", "on", "once", "one", "only", "or", "other", "our",
        "ours", "ourselves", "out", "over", "own", "perhaps", "quite", "rather", "really", "same", "she", "should", "so",
        "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "therefore",
        "these", "they", "this", "those", "though", "through", "thus", "to", "too", "under", "until", "up", "upon", "us",
        "very", "was", "we", "well", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose",
        "why", "will", "with", "within", "without", "would", "yet", "you", "your", "yours", "yourself", "yourselves",
        "additionally", "moreover", "furthermore", "overall", "various", "several", "certain", "particularly",
        "especially", "generally", "typically", "usually", "actually", "basically", "simply", "still", "already", "yes",
    ];

    static readonly HashSet<ulong> Hashes = Words.Select(w => FeatureHash.Of(w)).ToHashSet();

    /// <summary>Whether a token hash (lowercased, as <see cref="TextTokenizer"/> computes it) is a function word.</summary>
    public static bool Contains(ulong tokenHash) => Hashes.Contains(tokenHash);
}
