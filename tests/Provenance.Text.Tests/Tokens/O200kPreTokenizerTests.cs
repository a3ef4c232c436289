using System.Text;
using Provenance.Text.Tokens;

namespace Provenance.Text.Tests.Tokens;

/// <summary>
/// Named corners of the o200k_base regex. Each expectation is what the library's regex returns (checked here too),
/// written out so a reader sees the rule.
/// </summary>
public class O200kPreTokenizerTests
{
    static void AssertPieces(string text, params string[] expected)
    {
        Assert.Equal(expected, Reference.Pieces(text));
        Assert.Equal(Reference.LibraryPieces(text), Reference.Pieces(text));
    }

    [Fact]
    public void ContractionsStayWithTheirWordInAnyAsciiCase()
    {
        AssertPieces("I'M sure you'RE right, we'Ll see", "I'M", " sure", " you'RE", " right", ",", " we'Ll", " see");
        AssertPieces("don't DON'T Don'T", "don't", " DON'T", " Don'T");
        AssertPieces("Z'LL x'lL", "Z'LL", " x'lL");
    }

    [Fact]
    public void OnlyAsciiLettersFoldCaseInContractions()
    {
        AssertPieces("it'\u017F ok", "it", "'\u017F", " ok"); // U+017F long s folds to s in Unicode, not in this regex
    }

    [Fact]
    public void AnApostropheWithoutAContractionStartsTheNextWord()
    {
        AssertPieces("rock'n'roll", "rock", "'n", "'roll");
        AssertPieces("1's", "1", "'s");
        AssertPieces(" 'tis", " '", "tis");
        AssertPieces("a'", "a", "'");
        AssertPieces("x'l", "x", "'l");
    }

    [Fact]
    public void UpperCaseRunsEndWhereLowerCaseStartsUnlessTheyAreAllCaps()
    {
        AssertPieces("HELLOworld", "HELLOworld");
        AssertPieces("HelloWORLD", "Hello", "WORLD");
        AssertPieces("\u01C5ungla", "\u01C5ungla"); // title case Dž
    }

    [Fact]
    public void LettersThatAreBothCasesEndAnUpperCaseRunWhenNoLowerCaseFollows()
    {
        // 中 (Lo) is in both the upper and the lower class, so [U]*[L]+ backtracks to it.
        AssertPieces("ABC\u4E2DDEF", "ABC\u4E2D", "DEF");
        AssertPieces("\u02B0ello \u00AAbc", "\u02B0ello", " \u00AAbc"); // Lm and Lo start words
    }

    [Fact]
    public void CombiningMarksJoinWordsAndCanBeTheirPrefix()
    {
        AssertPieces("a\u0301b", "a\u0301b");
        AssertPieces(" \u0301x", " \u0301x");
        AssertPieces("\u0301abc", "\u0301abc");
        // The prefix alternative fails before AB, so the mark matches as a one-character lower-case word.
        AssertPieces("\u0301AB", "\u0301", "AB");
        AssertPieces("\u0915\u093F\u094D\u0937\u093F \u0928\u092E\u0938\u094D\u0924\u0947", "\u0915\u093F\u094D\u0937\u093F", " \u0928\u092E\u0938\u094D\u0924\u0947");
    }

    [Fact]
    public void NumbersSplitIntoGroupsOfUpToThreeOfAnyNumericCategory()
    {
        AssertPieces("1234567", "123", "456", "7");
        AssertPieces("12 345", "12", " ", "345");
        AssertPieces("\u216B\u00BD\u00B23", "\u216B\u00BD\u00B2", "3"); // Nl, No, No, Nd
    }

    [Fact]
    public void SpacesBeforeAWordLeaveTheLastOneForIt()
    {
        AssertPieces("a   b", "a", "  ", " b");
        AssertPieces("\t\tfoo", "\t", "\tfoo");
        AssertPieces("\u00A0word \u3000\u3000b", "\u00A0word", " \u3000", "\u3000b");
        AssertPieces("a  \uD83D\uDE00", "a", " ", " \uD83D\uDE00");
    }

    [Fact]
    public void TrailingWhitespaceIsOnePiece()
    {
        AssertPieces("hello   ", "hello", "   ");
        AssertPieces("tail \n ", "tail", " \n", " ");
    }

    [Fact]
    public void WhitespaceWithLineBreaksEndsAtItsLastBreak()
    {
        AssertPieces("a \r\n\t b", "a", " \r\n", "\t", " b");
        AssertPieces("x\n\n\ny", "x", "\n\n\n", "y");
        AssertPieces("a\r\r\nb", "a", "\r\r\n", "b");
        AssertPieces("end.  \n", "end", ".", "  \n");
        AssertPieces("\u2028a", "\u2028a"); // a line separator is white space, not a line break
    }

    [Fact]
    public void PunctuationTakesTheLineBreaksAndSlashesAfterIt()
    {
        AssertPieces("...\n/\nx", "...\n/\n", "x");
        AssertPieces("x = y /* c */\n", "x", " =", " y", " /*", " c", " */\n");
        AssertPieces("http://example.com/a/b", "http", "://", "example", ".com", "/a", "/b");
        AssertPieces("C#/.NET 10", "C", "#/.", "NET", " ", "10");
    }

    [Fact]
    public void AstralCharactersArePunctuationBecauseTheRegexSeesSurrogateHalves()
    {
        AssertPieces("\uD83D\uDE00abc", "\uD83D\uDE00", "abc");
        AssertPieces("!\uD83D\uDE00x", "!\uD83D\uDE00", "x");
        AssertPieces("\uD835\uDC00\uD835\uDC01 c", "\uD835\uDC00\uD835\uDC01", " c"); // mathematical bold A, B
    }

    [Fact]
    public void OtherScriptsSplitLikeTheLibrary()
    {
        AssertPieces("\u041F\u0440\u0438\u0432\u0435\u0442, \u041C\u0418\u0420!", "\u041F\u0440\u0438\u0432\u0435\u0442", ",", " \u041C\u0418\u0420", "!");
        AssertPieces("\u0645\u0631\u062D\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645", "\u0645\u0631\u062D\u0628\u0627", " \u0628\u0627\u0644\u0639\u0627\u0644\u0645");
        AssertPieces("\u4E2D\u6587\uFF0C\u65E5\u672C\u8A9E\u3002", "\u4E2D\u6587", "\uFF0C\u65E5\u672C\u8A9E", "\u3002");
    }

    /// <summary>
    /// Every UTF-16 code unit, lone surrogates and U+FFFD included, in contexts that exercise each alternative:
    /// this is what pins the character classes to the ones the library's regex uses.
    /// </summary>
    [Fact]
    public void EveryCodeUnitSplitsAndCountsLikeTheLibraryInEveryContext()
    {
        var counter = new O200kTokenCounter(Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForEncoding("o200k_base"), Reference.Ranks);
        var different = new List<int>();

        for (var code = 0; code <= char.MaxValue; code++)
        {
            var c = (char)code;
            var text = new StringBuilder()
                .Append(c).Append("a ").Append(c).Append(c).Append(" A").Append(c).Append("a a").Append(c).Append("A ")
                .Append('x').Append('\'').Append(c).Append(" x'").Append(c).Append("e x'l").Append(c).Append(' ')
                .Append("1").Append(c).Append("2 ").Append(c).Append("/\n ").Append(c).Append("  ").Append(c).Append('\n')
                .Append(c).Append("\r\n").Append(c).Append(". ").Append(c).Append("\u4E2D").Append(c).Append("\u0301").Append(c).Append(' ')
                .Append(c)
                .ToString();
            if (Reference.HasSpecialToken(text))
            {
                continue;
            }
            if (!Reference.Pieces(text).SequenceEqual(Reference.LibraryPieces(text)) || counter.Count(text) != Reference.Library.CountTokens(text))
            {
                different.Add(code);
            }
        }

        Assert.Empty(different);
    }
}
