using System.Globalization;

namespace Provenance.Detector.Features;

internal enum TokenKind : byte
{
    Word,
    Clitic,
    Punctuation,
}

/// <summary>Reusable token arrays for one document; one per thread, so featurizing allocates nothing per document.</summary>
internal sealed class TokenBuffer
{
    public ulong[] Hashes = new ulong[256];
    public TokenKind[] Kinds = new TokenKind[256];
    public char[] Punctuation = new char[256];
    public int[] NormStart = new int[256];
    public int[] NormLength = new int[256];
    public byte[] Shape = new byte[256];
    public char[] Norm = new char[2048];
    public int Count;
    public int NormCount;

    /// <summary>Sentence punctuation glued to the next word ("problem?Hi", "fish,both"): a typing habit of people.</summary>
    public int GluedPunctuation;

    public const byte Capitalized = 1;
    public const byte AllCaps = 2;
    public const byte HasDigit = 4;

    public void Clear()
    {
        Count = 0;
        NormCount = 0;
        GluedPunctuation = 0;
    }

    public ReadOnlySpan<char> NormalizedText(int token) => Norm.AsSpan(NormStart[token], NormLength[token]);

    public void Add(TokenKind kind, ulong hash, char punctuation, int normStart, int normLength, byte shape)
    {
        if (Count == Hashes.Length)
        {
            var n = Count * 2;
            Array.Resize(ref Hashes, n);
            Array.Resize(ref Kinds, n);
            Array.Resize(ref Punctuation, n);
            Array.Resize(ref NormStart, n);
            Array.Resize(ref NormLength, n);
            Array.Resize(ref Shape, n);
        }
        Hashes[Count] = hash;
        Kinds[Count] = kind;
        Punctuation[Count] = punctuation;
        NormStart[Count] = normStart;
        NormLength[Count] = normLength;
        Shape[Count] = shape;
        Count++;
    }

    public int AppendNorm(char c)
    {
        if (NormCount == Norm.Length)
        {
            Array.Resize(ref Norm, Norm.Length * 2);
        }
        Norm[NormCount] = c;
        return NormCount++;
    }
}

/// <summary>
/// A Penn-Treebank-like tokenizer that ignores whitespace. Several corpora store human text pre-tokenized
/// ("does n't", "word ."), machine text never is; reading "doesn't" and "does n't" as the same tokens keeps the
/// model from learning that formatting accident instead of how the text is written.
/// </summary>
internal static class TextTokenizer
{
    static readonly string[] Clitics = ["s", "re", "ve", "ll", "d", "m"];

    public static void Tokenize(ReadOnlySpan<char> text, TokenBuffer buffer, int maxTokens)
    {
        buffer.Clear();
        var i = 0;
        while (i < text.Length && buffer.Count < maxTokens)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c == '\uFEFF')
            {
                i++;
            }
            else if (char.IsLetterOrDigit(c))
            {
                i = ReadWord(text, i, buffer);
            }
            else if (IsApostrophe(c) || c == '`')
            {
                i = ReadApostrophe(text, i, buffer);
            }
            else
            {
                if (IsGlued(text, i, buffer))
                {
                    buffer.GluedPunctuation++;
                }
                AddPunctuation(buffer, NormalizePunctuation(c));
                i++;
                // Surrogate pairs (emoji) are one symbol, not two.
                if (char.IsHighSurrogate(c) && i < text.Length && char.IsLowSurrogate(text[i]))
                {
                    i++;
                }
            }
        }
        // A word and its clitic arrive together and may step one past the limit.
        buffer.Count = Math.Min(buffer.Count, maxTokens);
    }

    /// <summary>
    /// Whether the punctuation at <paramref name="i"/> sits between two words without a space. Only after words of
    /// two or more letters, so abbreviations ("e.g.") do not count; decimals are digits, not letters.
    /// </summary>
    static bool IsGlued(ReadOnlySpan<char> text, int i, TokenBuffer buffer)
    {
        if (text[i] is not ('.' or ',' or '?' or '!' or ';' or ':') || i + 1 >= text.Length || !char.IsLetter(text[i + 1]) || i == 0
            || !char.IsLetter(text[i - 1]))
        {
            return false;
        }
        var last = buffer.Count - 1;
        return last >= 0 && buffer.Kinds[last] == TokenKind.Word && buffer.NormLength[last] >= 2;
    }

    static int ReadWord(ReadOnlySpan<char> text, int start, TokenBuffer buffer)
    {
        var end = start;
        while (end < text.Length && IsWordChar(text[end]))
        {
            end++;
        }
        var word = text[start..end];
        if (end + 1 < text.Length && IsApostrophe(text[end]) && char.IsLetter(text[end + 1]))
        {
            var cliticEnd = end + 1;
            while (cliticEnd < text.Length && char.IsLetter(text[cliticEnd]))
            {
                cliticEnd++;
            }
            var clitic = text[(end + 1)..cliticEnd];
            if (EqualsIgnoreCase(clitic, "t") && word.Length >= 1 && char.ToLowerInvariant(word[^1]) == 'n')
            {
                // "don't" -> "do" "n't"; a lone "n" is the tail of a pre-tokenized "does n't".
                if (word.Length > 1)
                {
                    AddWord(buffer, word[..^1]);
                }
                AddClitic(buffer, "n't");
                return cliticEnd;
            }
            if (IsClitic(clitic))
            {
                AddWord(buffer, word);
                AddCliticLower(buffer, clitic);
                return cliticEnd;
            }
        }
        AddWord(buffer, word);
        return end;
    }

    static int ReadApostrophe(ReadOnlySpan<char> text, int start, TokenBuffer buffer)
    {
        var c = text[start];
        if (start + 1 < text.Length && (text[start + 1] == c) && (c == '`' || c == '\''))
        {
            // PTB's `` and '' are plain double quotes.
            AddPunctuation(buffer, '"');
            return start + 2;
        }
        if (IsApostrophe(c) && start + 1 < text.Length && char.IsLetter(text[start + 1]) && buffer.Count > 0
            && buffer.Kinds[buffer.Count - 1] == TokenKind.Word)
        {
            // A detached clitic ("John 's") joins the token stream the same way as an attached one.
            var end = start + 1;
            while (end < text.Length && char.IsLetter(text[end]))
            {
                end++;
            }
            var clitic = text[(start + 1)..end];
            if (IsClitic(clitic))
            {
                AddCliticLower(buffer, clitic);
                return end;
            }
        }
        AddPunctuation(buffer, '\'');
        return start + 1;
    }

    static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    static bool IsApostrophe(char c) => c is '\'' or '\u2019' or '\u2018' or '\u02BC';

    static bool IsClitic(ReadOnlySpan<char> s)
    {
        foreach (var clitic in Clitics)
        {
            if (EqualsIgnoreCase(s, clitic))
            {
                return true;
            }
        }
        return false;
    }

    static bool EqualsIgnoreCase(ReadOnlySpan<char> s, string value) => s.Equals(value, StringComparison.OrdinalIgnoreCase);

    static char NormalizePunctuation(char c) => c switch
    {
        '\u201C' or '\u201D' or '\u201E' or '\u00AB' or '\u00BB' => '"',
        '\u2013' or '\u2014' or '\u2012' or '\u2015' or '\u2212' => '-',
        '\u2026' => '.',
        _ => c,
    };

    static void AddWord(TokenBuffer buffer, ReadOnlySpan<char> word)
    {
        var hash = FeatureHash.Start;
        var normStart = buffer.NormCount;
        var upper = 0;
        var letters = 0;
        byte shape = 0;
        foreach (var raw in word)
        {
            var c = raw;
            if (char.IsDigit(c))
            {
                // Numbers differ between documents for reasons unrelated to authorship; keep only their shape.
                c = '0';
                shape |= TokenBuffer.HasDigit;
            }
            else if (char.IsLetter(c))
            {
                letters++;
                if (char.IsUpper(c))
                {
                    upper++;
                    c = char.ToLowerInvariant(c);
                }
            }
            hash = FeatureHash.Add(hash, c);
            buffer.AppendNorm(c);
        }
        if (letters > 0 && char.IsUpper(word[0]))
        {
            shape |= TokenBuffer.Capitalized;
        }
        if (letters > 1 && upper == letters)
        {
            shape |= TokenBuffer.AllCaps;
        }
        buffer.Add(TokenKind.Word, hash, '\0', normStart, word.Length, shape);
    }

    static void AddClitic(TokenBuffer buffer, string clitic) => AddCliticLower(buffer, clitic);

    static void AddCliticLower(TokenBuffer buffer, ReadOnlySpan<char> clitic)
    {
        var hash = FeatureHash.Add(FeatureHash.Start, '\'');
        var normStart = buffer.NormCount;
        foreach (var raw in clitic)
        {
            var c = raw == '\u2019' ? '\'' : char.ToLowerInvariant(raw);
            hash = FeatureHash.Add(hash, c);
            buffer.AppendNorm(c);
        }
        buffer.Add(TokenKind.Clitic, hash, '\0', normStart, clitic.Length, 0);
    }

    static void AddPunctuation(TokenBuffer buffer, char c)
    {
        var hash = FeatureHash.Add(FeatureHash.Add(FeatureHash.Start, '\u0001'), c);
        buffer.Add(TokenKind.Punctuation, hash, c, buffer.NormCount, 0, 0);
    }
}
