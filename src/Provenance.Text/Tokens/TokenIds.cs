using Microsoft.ML.Tokenizers;

namespace Provenance.Text.Tokens;

/// <summary>
/// The token ids of a text under one of the registry's tokenizers, by name: what a check that works on a generator's
/// tokens (a watermark's green list) reads. Names are those of the encodings the registry ships.
/// </summary>
public static class TokenIds
{
    /// <summary>OpenAI's o200k_base, the encoding <see cref="TokenCounter"/> counts.</summary>
    public const string O200kBase = "o200k_base";

    // Loading the 200k-token vocabulary takes about a second, so it happens on first use; TokenCounter shares it.
    internal static readonly Lazy<TiktokenTokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding(O200kBase));

    /// <summary>The tokenizers a caller may name.</summary>
    public static IReadOnlyList<string> Names { get; } = [O200kBase];

    /// <summary>Whether <paramref name="name"/> is one of <see cref="Names"/> (names are compared exactly).</summary>
    public static bool IsKnown(string? name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The ids of <paramref name="text"/> under the tokenizer <paramref name="name"/>, one of <see cref="Names"/>.</summary>
    public static IReadOnlyList<int> Encode(string name, string text) => name switch
    {
        O200kBase => O200k.Value.EncodeToIds(text),
        _ => throw new ArgumentException($"Unknown tokenizer '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>The text of <paramref name="ids"/> under the tokenizer <paramref name="name"/>, one of <see cref="Names"/>.</summary>
    public static string Decode(string name, IEnumerable<int> ids) => name switch
    {
        O200kBase => O200k.Value.Decode(ids),
        _ => throw new ArgumentException($"Unknown tokenizer '{name}'; known: {string.Join(", ", Names)}.", nameof(name)),
    };
}
