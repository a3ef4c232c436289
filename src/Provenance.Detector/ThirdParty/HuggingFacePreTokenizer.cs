using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Provenance.Detector.ThirdParty;

/// <summary>
/// The pre-tokenizer a Hugging Face tokenizer.json describes (Sequence, Split, ByteLevel, Digits, Punctuation,
/// Whitespace, WhitespaceSplit), so byte-level BPE models split text exactly where the model's own tokenizer does:
/// Qwen2 and Llama-3 split with their own regex before the byte-level step, GPT-2 with the byte-level regex, Falcon
/// with punctuation and digit rules around it. Special (added) tokens are cut out first, as Hugging Face does.
/// </summary>
internal sealed partial class HuggingFacePreTokenizer : PreTokenizer
{
    readonly IReadOnlyList<Step> _steps;
    readonly Regex? _special;

    HuggingFacePreTokenizer(IReadOnlyList<Step> steps, IEnumerable<string> specialTokens)
    {
        _steps = steps;
        // Longest first, so a special token that contains another is matched whole.
        var alternatives = specialTokens.Where(t => t.Length > 0).OrderByDescending(t => t.Length).Select(Regex.Escape).ToArray();
        _special = alternatives.Length == 0 ? null : new Regex(string.Join('|', alternatives), RegexOptions.CultureInvariant);
    }

    /// <summary>GPT-2's pattern, which the ByteLevel pre-tokenizer applies when its use_regex is true.</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    internal static partial Regex ByteLevelSplit();

    [GeneratedRegex(@"\w+|[^\w\s]+")]
    private static partial Regex WhitespaceWords();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhitespaceRuns();

    /// <summary>The pre-tokenizer of a tokenizer.json "pre_tokenizer" object (null: the text is one piece).</summary>
    public static HuggingFacePreTokenizer FromJson(JsonElement? preTokenizer, IEnumerable<string> specialTokens)
    {
        var steps = new List<Step>();
        if (preTokenizer is { ValueKind: JsonValueKind.Object } element)
        {
            var afterByteLevel = false;
            Add(element, steps, ref afterByteLevel);
        }
        return new HuggingFacePreTokenizer(steps, specialTokens);
    }

    /// <summary>The GPT-2 byte-level split, for models that ship only vocab.json and merges.txt.</summary>
    public static HuggingFacePreTokenizer Gpt2(IEnumerable<string> specialTokens) =>
        new([new Step(Matches: s => RegexMatches(ByteLevelSplit(), s), Behavior.Isolated, Invert: false)], specialTokens);

    static void Add(JsonElement element, List<Step> steps, ref bool afterByteLevel)
    {
        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in element.GetProperty("pretokenizers").EnumerateArray())
                {
                    Add(inner, steps, ref afterByteLevel);
                }
                break;

            case "Split":
                var pattern = element.GetProperty("pattern");
                var regex = pattern.TryGetProperty("Regex", out var r)
                    ? new Regex(r.GetString()!, RegexOptions.CultureInvariant | RegexOptions.Compiled)
                    : new Regex(Regex.Escape(pattern.GetProperty("String").GetString()!), RegexOptions.CultureInvariant);
                steps.Add(new Step(s => RegexMatches(regex, s), ParseBehavior(element), Bool(element, "invert", false)));
                break;

            case "ByteLevel":
                if (Bool(element, "add_prefix_space", false))
                {
                    // Prefixing changes the text, which offsets into it cannot express; no byte-level causal LM we
                    // target (GPT-2, Qwen2, Llama-3, Falcon) sets it in its pre-tokenizer.
                    throw new NotSupportedException("tokenizer.json: a ByteLevel pre-tokenizer with add_prefix_space=true is not supported.");
                }
                if (Bool(element, "use_regex", true))
                {
                    steps.Add(new Step(s => RegexMatches(ByteLevelSplit(), s), Behavior.Isolated, Invert: false));
                }
                afterByteLevel = true;
                break;

            case "Digits":
                // After the byte-level step Hugging Face sees mapped characters, where only ASCII digits are still digits.
                var asciiOnly = afterByteLevel;
                Func<char, bool> isDigit = asciiOnly ? char.IsAsciiDigit : char.IsNumber;
                steps.Add(Bool(element, "individual_digits", false)
                    ? new Step(s => CharMatches(s, isDigit), Behavior.Isolated, Invert: false)
                    : new Step(s => CharMatches(s, isDigit), Behavior.Contiguous, Invert: false));
                break;

            case "Punctuation":
                steps.Add(new Step(s => CharMatches(s, IsPunctuation), ParseBehavior(element), Invert: false));
                break;

            case "Whitespace":
                steps.Add(new Step(s => RegexMatches(WhitespaceWords(), s), Behavior.Removed, Invert: true));
                break;

            case "WhitespaceSplit":
                steps.Add(new Step(s => RegexMatches(WhitespaceRuns(), s), Behavior.Removed, Invert: false));
                break;

            default:
                throw new NotSupportedException(
                    $"tokenizer.json: pre-tokenizer '{type}' is not supported (byte-level BPE models use Sequence, Split, ByteLevel, Digits and Punctuation). "
                    + "Metaspace means a SentencePiece model: put its tokenizer.model in the folder instead.");
        }
    }

    static Behavior ParseBehavior(JsonElement element) =>
        element.TryGetProperty("behavior", out var b) && b.ValueKind == JsonValueKind.String
            ? b.GetString() switch
            {
                "Removed" => Behavior.Removed,
                "Isolated" => Behavior.Isolated,
                "MergedWithPrevious" => Behavior.MergedWithPrevious,
                "MergedWithNext" => Behavior.MergedWithNext,
                "Contiguous" => Behavior.Contiguous,
                var other => throw new NotSupportedException($"tokenizer.json: split behavior '{other}' is not supported."),
            }
            : Behavior.Isolated;

    static bool Bool(JsonElement element, string name, bool fallback) =>
        element.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    /// <summary>Hugging Face's is_punc: ASCII punctuation (which includes symbols such as $ + &lt; = &gt; ^ ` | ~) or Unicode P*.</summary>
    static bool IsPunctuation(char c) => (c is >= '!' and <= '~' && !char.IsAsciiLetterOrDigit(c)) || char.IsPunctuation(c);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text);

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text.ToString());

    List<(int Offset, int Length)> Split(string text)
    {
        var pieces = new List<(int Offset, int Length)>();
        var start = 0;
        if (_special is not null)
        {
            foreach (Match match in _special.Matches(text))
            {
                SplitPlain(text, start, match.Index - start, pieces);
                pieces.Add((match.Index, match.Length));
                start = match.Index + match.Length;
            }
        }
        SplitPlain(text, start, text.Length - start, pieces);
        return pieces;
    }

    void SplitPlain(string text, int offset, int length, List<(int Offset, int Length)> output)
    {
        if (length == 0)
        {
            return;
        }
        List<(int Offset, int Length)> current = [(offset, length)];
        foreach (var step in _steps)
        {
            var next = new List<(int Offset, int Length)>(current.Count * 2);
            foreach (var (pieceOffset, pieceLength) in current)
            {
                var piece = text.Substring(pieceOffset, pieceLength);
                foreach (var (o, l) in step.Apply(piece))
                {
                    next.Add((pieceOffset + o, l));
                }
            }
            current = next;
        }
        output.AddRange(current);
    }

    static List<(int Offset, int Length)> RegexMatches(Regex regex, string text)
    {
        var matches = new List<(int Offset, int Length)>();
        foreach (var match in regex.EnumerateMatches(text))
        {
            if (match.Length > 0)
            {
                matches.Add((match.Index, match.Length));
            }
        }
        return matches;
    }

    static IEnumerable<(int Offset, int Length)> CharMatches(string text, Func<char, bool> predicate)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (predicate(text[i]))
            {
                yield return (i, 1);
            }
        }
    }

    enum Behavior
    {
        Removed,
        Isolated,
        MergedWithPrevious,
        MergedWithNext,
        Contiguous,
    }

    /// <summary>One split rule; splits a piece where <see cref="Matches"/> finds delimiters, as Hugging Face's SplitDelimiterBehavior says.</summary>
    sealed record Step(Func<string, IEnumerable<(int Offset, int Length)>> Matches, Behavior Behavior, bool Invert)
    {
        public List<(int Offset, int Length)> Apply(string piece)
        {
            // Every character is either in a delimiter (true) or not (false); runs of one kind become candidate parts.
            var parts = new List<(int Offset, int Length, bool Delimiter)>();
            var at = 0;
            foreach (var (offset, length) in Matches(piece))
            {
                if (offset > at)
                {
                    parts.Add((at, offset - at, Invert));
                }
                parts.Add((offset, length, !Invert));
                at = offset + length;
            }
            if (at < piece.Length)
            {
                parts.Add((at, piece.Length - at, Invert));
            }

            var result = new List<(int Offset, int Length)>(parts.Count);
            switch (Behavior)
            {
                case Behavior.Removed:
                    result.AddRange(parts.Where(p => !p.Delimiter).Select(p => (p.Offset, p.Length)));
                    break;
                case Behavior.Isolated:
                    result.AddRange(parts.Select(p => (p.Offset, p.Length)));
                    break;
                case Behavior.Contiguous:
                    for (var i = 0; i < parts.Count; i++)
                    {
                        if (parts[i].Delimiter && i > 0 && parts[i - 1].Delimiter)
                        {
                            var last = result[^1];
                            result[^1] = (last.Offset, last.Length + parts[i].Length);
                        }
                        else
                        {
                            result.Add((parts[i].Offset, parts[i].Length));
                        }
                    }
                    break;
                case Behavior.MergedWithPrevious:
                    for (var i = 0; i < parts.Count; i++)
                    {
                        if (parts[i].Delimiter && i > 0 && !parts[i - 1].Delimiter)
                        {
                            var last = result[^1];
                            result[^1] = (last.Offset, last.Length + parts[i].Length);
                        }
                        else
                        {
                            result.Add((parts[i].Offset, parts[i].Length));
                        }
                    }
                    break;
                case Behavior.MergedWithNext:
                    var pending = -1;
                    foreach (var part in parts)
                    {
                        if (part.Delimiter)
                        {
                            if (pending >= 0)
                            {
                                result.Add((pending, part.Offset - pending));
                            }
                            pending = part.Offset;
                        }
                        else
                        {
                            var from = pending >= 0 ? pending : part.Offset;
                            result.Add((from, part.Offset + part.Length - from));
                            pending = -1;
                        }
                    }
                    if (pending >= 0)
                    {
                        result.Add((pending, piece.Length - pending));
                    }
                    break;
            }
            return result;
        }

    }
}

/// <summary>The Unicode normalization a tokenizer.json "normalizer" asks for (Qwen2: NFC), or a sequence of them.</summary>
internal sealed class UnicodeNormalizer(IReadOnlyList<NormalizationForm> forms) : Normalizer
{
    public static UnicodeNormalizer? FromJson(JsonElement? normalizer)
    {
        if (normalizer is not { ValueKind: JsonValueKind.Object } element)
        {
            return null;
        }
        var forms = new List<NormalizationForm>();
        Add(element, forms);
        return forms.Count == 0 ? null : new UnicodeNormalizer(forms);
    }

    static void Add(JsonElement element, List<NormalizationForm> forms)
    {
        var type = element.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                foreach (var inner in element.GetProperty("normalizers").EnumerateArray())
                {
                    Add(inner, forms);
                }
                break;
            case "NFC":
                forms.Add(NormalizationForm.FormC);
                break;
            case "NFD":
                forms.Add(NormalizationForm.FormD);
                break;
            case "NFKC":
                forms.Add(NormalizationForm.FormKC);
                break;
            case "NFKD":
                forms.Add(NormalizationForm.FormKD);
                break;
            default:
                throw new NotSupportedException(
                    $"tokenizer.json: normalizer '{type}' is not supported (byte-level BPE models use none or NFC). "
                    + "A Replace/Prepend normalizer means a SentencePiece model: put its tokenizer.model in the folder instead.");
        }
    }

    public override string Normalize(string original)
    {
        var text = original;
        foreach (var form in forms)
        {
            text = text.Normalize(form);
        }
        return text;
    }

    public override string Normalize(ReadOnlySpan<char> original) => Normalize(original.ToString());
}
