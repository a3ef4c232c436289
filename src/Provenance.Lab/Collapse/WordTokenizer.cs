using System.Text.RegularExpressions;

namespace Provenance.Lab.Collapse;

/// <summary>Lowercase words (with an inner apostrophe) and single punctuation marks: the units the n-gram model counts.</summary>
public static partial class WordTokenizer
{
    public static List<string> Split(string text) =>
        [.. Word().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    /// <summary>Words written back as text: one space between tokens, which <see cref="Split"/> reads back to the same tokens.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words);

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]")]
    private static partial Regex Word();
}
