using System.Globalization;

namespace Provenance.Text.Tokens;

/// <summary>
/// Hand-written equivalent of the o200k_base pre-tokenization regex as Microsoft.ML.Tokenizers runs it:
/// <code>
/// A  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// B |[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?
/// C |\p{N}{1,3}
/// D | ?[^\s\p{L}\p{N}]+[\r\n/]*
/// E |\s*[\r\n]+
/// F |\s+(?!\S)
/// G |\s+
/// </code>
/// The regex is the largest cost of counting tokens; this scanner returns the same pieces several times faster.
/// It works on UTF-16 code units, as .NET's regex does: a surrogate half is category Cs (neither letter, number
/// nor space), so an astral letter is punctuation here exactly as it is to the library.
/// </summary>
internal static class O200kPreTokenizer
{
    // Character classes of the pattern, one byte per UTF-16 code unit.
    const byte Upper = 1;      // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
    const byte Lower = 2;      // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
    const byte Letter = 4;     // \p{L}
    const byte Number = 8;     // \p{N}
    const byte Space = 16;     // \s
    const byte LineBreak = 32; // [\r\n]
    const byte Mark = 64;      // \p{M}: in both word classes but not in \p{L}, so it can also be the optional prefix

    // Built from the running framework's Unicode data, which is what the library's regex consults too, so a newer
    // Unicode version in a future runtime moves both in step. 64 KiB, built once.
    static readonly byte[] Classes = BuildClasses();

    /// <summary>Length of the piece the regex matches at the start of <paramref name="text"/> (not empty).</summary>
    /// <remarks>
    /// Every code unit starts some alternative (letters A or B, numbers C, line breaks E, other spaces F or G,
    /// everything else D), so the regex never skips text and the pieces tile the input.
    /// </remarks>
    public static int PieceLength(ReadOnlySpan<char> text)
    {
        var first = Classes[text[0]];
        if ((first & Letter) != 0)
        {
            var word = Word(text, 0);
            return word > 0 ? word : UpperWord(text, 0);
        }
        if ((first & Number) != 0)
        {
            var digits = 1;
            while (digits < 3 && digits < text.Length && (Classes[text[digits]] & Number) != 0)
            {
                digits++;
            }
            return digits;
        }
        if ((first & LineBreak) != 0)
        {
            return Whitespace(text);
        }

        // The first code unit can be A's or B's optional prefix. Alternatives are tried in order, each with all of
        // its backtracking: A with the prefix, A without it (only a mark can start a word), then B with the prefix.
        var prefixed = Word(text, 1);
        if (prefixed > 0)
        {
            return prefixed;
        }
        if ((first & Mark) != 0)
        {
            return Word(text, 0);
        }
        prefixed = UpperWord(text, 1);
        if (prefixed > 0)
        {
            return prefixed;
        }

        if ((first & Space) == 0)
        {
            return Punctuation(text, 0);
        }
        if (text[0] == ' ' && text.Length > 1 && (Classes[text[1]] & (Space | Letter | Number)) == 0)
        {
            return Punctuation(text, 1);
        }
        return Whitespace(text);
    }

    /// <summary>A without its prefix, from <paramref name="start"/>: <c>[U]*[L]+</c> then a contraction; 0 if no match.</summary>
    /// <remarks>
    /// <c>[U]*</c> is greedy and gives back one code unit at a time, so the match is the longest run of upper
    /// units followed by lower ones, else it ends just after the last unit of the upper run that is also lower
    /// (Lm, Lo, M are in both classes), else there is none. Linear, where naive backtracking would be quadratic.
    /// </remarks>
    static int Word(ReadOnlySpan<char> text, int start)
    {
        var i = start;
        while (i < text.Length && (Classes[text[i]] & Upper) != 0)
        {
            i++;
        }
        if (i < text.Length && (Classes[text[i]] & Lower) != 0)
        {
            i++;
            while (i < text.Length && (Classes[text[i]] & Lower) != 0)
            {
                i++;
            }
            return Contraction(text, i);
        }
        for (var j = i - 1; j >= start; j--)
        {
            if ((Classes[text[j]] & Lower) != 0)
            {
                return Contraction(text, j + 1);
            }
        }
        return 0;
    }

    /// <summary>B without its prefix, from <paramref name="start"/>: <c>[U]+[L]*</c> then a contraction; 0 if no match.</summary>
    static int UpperWord(ReadOnlySpan<char> text, int start)
    {
        if (start >= text.Length || (Classes[text[start]] & Upper) == 0)
        {
            return 0;
        }
        var i = start + 1;
        while (i < text.Length && (Classes[text[i]] & Upper) != 0)
        {
            i++;
        }
        while (i < text.Length && (Classes[text[i]] & Lower) != 0)
        {
            i++;
        }
        return Contraction(text, i);
    }

    /// <summary><c>(?i:'s|'t|'re|'ve|'m|'ll|'d)?</c> at <paramref name="at"/>: the end of the piece.</summary>
    /// <remarks>
    /// The library's regex folds case here for ASCII letters only (checked over every code unit, e.g. U+017F
    /// long s does not match), and <c>c | 0x20</c> equals an ASCII lower-case letter only for that letter's two cases.
    /// </remarks>
    static int Contraction(ReadOnlySpan<char> text, int at)
    {
        if (at + 1 >= text.Length || text[at] != '\'')
        {
            return at;
        }
        var first = text[at + 1] | 0x20;
        if (first is 's' or 't' or 'm' or 'd')
        {
            return at + 2;
        }
        if (at + 2 < text.Length)
        {
            var second = text[at + 2] | 0x20;
            if ((first is 'r' or 'v' && second == 'e') || (first == 'l' && second == 'l'))
            {
                return at + 3;
            }
        }
        return at;
    }

    /// <summary>D from <paramref name="start"/> (after the optional space): <c>[^\s\p{L}\p{N}]+[\r\n/]*</c>.</summary>
    static int Punctuation(ReadOnlySpan<char> text, int start)
    {
        var i = start + 1;
        while (i < text.Length && (Classes[text[i]] & (Space | Letter | Number)) == 0)
        {
            i++;
        }
        while (i < text.Length && text[i] is '\r' or '\n' or '/')
        {
            i++;
        }
        return i;
    }

    /// <summary>E, F or G on the run of white space at the start of <paramref name="text"/>.</summary>
    /// <remarks>
    /// E (<c>\s*[\r\n]+</c>) backtracks <c>\s*</c> to the run's last line break and ends just after it. Without a
    /// line break, F (<c>\s+(?!\S)</c>) keeps the last space for the next word (" word" is one token) unless the
    /// run ends the text, and G takes a lone space.
    /// </remarks>
    static int Whitespace(ReadOnlySpan<char> text)
    {
        var run = 0;
        var lastBreak = -1;
        while (run < text.Length && (Classes[text[run]] & Space) != 0)
        {
            if ((Classes[text[run]] & LineBreak) != 0)
            {
                lastBreak = run;
            }
            run++;
        }
        if (lastBreak >= 0)
        {
            return lastBreak + 1;
        }
        return run == text.Length || run == 1 ? run : run - 1;
    }

    static byte[] BuildClasses()
    {
        var classes = new byte[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var ch = (char)c;
            byte k = char.GetUnicodeCategory(ch) switch
            {
                UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => Upper | Letter,
                UnicodeCategory.LowercaseLetter => Lower | Letter,
                UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => Upper | Lower | Letter,
                UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => Upper | Lower | Mark,
                UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => Number,
                _ => 0,
            };
            if (char.IsWhiteSpace(ch))
            {
                k |= Space;
            }
            if (ch is '\r' or '\n')
            {
                k |= LineBreak;
            }
            classes[c] = k;
        }
        return classes;
    }
}
