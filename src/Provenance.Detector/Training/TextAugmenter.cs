using System.Text;

namespace Provenance.Detector.Training;

/// <summary>
/// Makes training variants of a text that keep its authorship but change what authorship does not decide: where it
/// starts and ends, and how it is laid out. The corpus sources differ in formatting (one stores human text
/// pre-tokenized, another wraps lines, another uses curly quotes) and in length, and a model that can learn those
/// accidents will, then fail on traffic formatted otherwise. Deterministic for a given random source.
/// </summary>
internal static class TextAugmenter
{
    const int MinWindowWords = 40;

    /// <summary>A variant of <paramref name="text"/>: a random window of whole sentences when <paramref name="cut"/>, then a random layout.</summary>
    public static string Vary(string text, bool cut, DeterministicRandom random)
    {
        var result = cut ? Window(text, random) : text;
        var layout = new StringBuilder(result.Length + 16);
        Relayout(result, random, layout);
        return layout.ToString();
    }

    /// <summary>
    /// A run of whole sentences of random length (log-uniform between <see cref="MinWindowWords"/> words and the whole
    /// text) from a random sentence start. Machine continuations in the corpus open with their human prompt; windows
    /// that start later teach what the machine part looks like on its own.
    /// </summary>
    internal static string Window(string text, DeterministicRandom random)
    {
        var starts = SentenceStarts(text);
        var words = CountWords(text);
        if (starts.Count < 2 || words <= MinWindowWords)
        {
            return text;
        }
        var target = (int)Math.Round(Math.Exp(Math.Log(MinWindowWords) + random.NextDouble() * (Math.Log(words) - Math.Log(MinWindowWords))));
        var first = random.Next(starts.Count);
        var start = starts[first];
        var end = text.Length;
        var counted = 0;
        for (var s = first + 1; s < starts.Count; s++)
        {
            counted += CountWords(text.AsSpan(starts[s - 1], starts[s] - starts[s - 1]));
            if (counted >= target)
            {
                end = starts[s];
                break;
            }
        }
        var window = text[start..end].Trim();
        return CountWords(window) >= MinWindowWords / 2 ? window : text;
    }

    /// <summary>Rewrites whitespace, quotes, dashes and the spacing of punctuation in one of several house styles.</summary>
    static void Relayout(string text, DeterministicRandom random, StringBuilder output)
    {
        var whitespace = random.Next(4);   // 0 keep, 1 one line, 2 paragraph per sentence, 3 hard-wrapped lines
        var quotes = random.Next(4);       // 0 keep, 1 straight, 2 curly, 3 PTB `` ''
        var spacing = random.Next(3);      // 0 keep, 1 tokenized (" , "), 2 glued
        var dashes = random.Next(3);       // 0 keep, 1 em dash, 2 double hyphen
        var column = 0;
        var openDouble = true;
        var pendingSpace = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                if (whitespace == 0)
                {
                    output.Append(c);
                    column = c == '\n' ? 0 : column + 1;
                }
                else
                {
                    pendingSpace = true;
                }
                continue;
            }
            if (pendingSpace)
            {
                pendingSpace = false;
                var previous = output.Length > 0 ? output[^1] : '\n';
                if (whitespace == 2 && previous is '.' or '!' or '?')
                {
                    output.Append("\n\n");
                    column = 0;
                }
                else if (whitespace == 3 && column > 72)
                {
                    output.Append('\n');
                    column = 0;
                }
                else
                {
                    output.Append(' ');
                    column++;
                }
            }
            if (spacing == 1 && c is ',' or '.' or ';' or ':' or '!' or '?' && output.Length > 0 && output[^1] != ' ' && output[^1] != '\n')
            {
                output.Append(' ');
            }
            else if (spacing == 2 && c is ',' or '.' or ';' or ':' or '!' or '?')
            {
                while (output.Length > 0 && output[^1] == ' ')
                {
                    output.Length--;
                }
            }
            switch (c)
            {
                case '"' or '\u201C' or '\u201D' when quotes != 0:
                    output.Append(quotes switch
                    {
                        1 => "\"",
                        2 => openDouble ? "\u201C" : "\u201D",
                        _ => openDouble ? "``" : "''",
                    });
                    openDouble = !openDouble;
                    break;
                case '\'' or '\u2018' or '\u2019' when quotes == 1:
                    output.Append('\'');
                    break;
                case '\'' when quotes == 2:
                    output.Append('\u2019');
                    break;
                case '\u2014' or '\u2013' when dashes != 0:
                    output.Append(dashes == 1 ? "\u2014" : "--");
                    break;
                case '-' when dashes != 0 && i + 1 < text.Length && text[i + 1] == '-':
                    output.Append(dashes == 1 ? "\u2014" : "--");
                    i++;
                    break;
                default:
                    output.Append(c);
                    break;
            }
            column++;
        }
    }

    static List<int> SentenceStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 1; i < text.Length; i++)
        {
            if (!char.IsWhiteSpace(text[i]) && char.IsWhiteSpace(text[i - 1]))
            {
                var j = i - 1;
                while (j > 0 && char.IsWhiteSpace(text[j]))
                {
                    j--;
                }
                var closesSentence = text[j] is '.' or '!' or '?'
                    || (text[j] is '"' or '\u201D' && j > 0 && text[j - 1] is '.' or '!' or '?');
                if (closesSentence || text.AsSpan(j, i - j).Contains('\n'))
                {
                    starts.Add(i);
                }
            }
        }
        return starts;
    }

    static int CountWords(ReadOnlySpan<char> text)
    {
        var words = 0;
        var inWord = false;
        foreach (var c in text)
        {
            var letter = !char.IsWhiteSpace(c);
            if (letter && !inWord)
            {
                words++;
            }
            inWord = letter;
        }
        return words;
    }
}
