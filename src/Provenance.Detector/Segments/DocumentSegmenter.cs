namespace Provenance.Detector.Segments;

/// <summary>A span of a document, [Start, End) in UTF-16 characters.</summary>
public readonly record struct TextSpan(int Start, int End)
{
    public int Length => End - Start;
}

/// <summary>
/// Cuts a document into paragraphs, and long paragraphs into word windows. Machine text is usually pasted or
/// edited in by the paragraph, so paragraphs are the natural unit; windows cover documents without breaks.
/// </summary>
public static class DocumentSegmenter
{
    public static IReadOnlyList<TextSpan> Split(string text, SegmentOptions? options = null)
    {
        options ??= new SegmentOptions();
        options.Validate();
        var pieces = new List<(TextSpan Span, int Words)>();
        foreach (var paragraph in Paragraphs(text))
        {
            var words = Words(text, paragraph);
            if (words.Count == 0)
            {
                continue;
            }
            if (words.Count <= options.MaxWords)
            {
                pieces.Add((paragraph, words.Count));
                continue;
            }
            for (var first = 0; first < words.Count; first += options.StrideWords)
            {
                var last = Math.Min(words.Count, first + options.MaxWords) - 1;
                var count = last - first + 1;
                if (count < options.MinWords && first > 0)
                {
                    // The tail is folded into the previous window rather than judged alone.
                    var previous = pieces[^1];
                    pieces[^1] = (new TextSpan(previous.Span.Start, words[last].End), previous.Words + count);
                    break;
                }
                pieces.Add((new TextSpan(words[first].Start, words[last].End), count));
                if (last == words.Count - 1)
                {
                    break;
                }
            }
        }
        return MergeShort(pieces, options.MinWords);
    }

    static List<TextSpan> MergeShort(List<(TextSpan Span, int Words)> pieces, int minWords)
    {
        var merged = new List<(TextSpan Span, int Words)>();
        foreach (var piece in pieces)
        {
            if (merged.Count > 0 && merged[^1].Words < minWords)
            {
                var previous = merged[^1];
                merged[^1] = (new TextSpan(previous.Span.Start, piece.Span.End), previous.Words + piece.Words);
            }
            else
            {
                merged.Add(piece);
            }
        }
        if (merged.Count > 1 && merged[^1].Words < minWords)
        {
            var last = merged[^1];
            merged.RemoveAt(merged.Count - 1);
            merged[^1] = (new TextSpan(merged[^1].Span.Start, last.Span.End), merged[^1].Words + last.Words);
        }
        return merged.Select(m => m.Span).ToList();
    }

    /// <summary>Runs of text between line breaks, trimmed of surrounding whitespace.</summary>
    static IEnumerable<TextSpan> Paragraphs(string text)
    {
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || text[i] == '\n' || text[i] == '\r' || text[i] == '\u2029')
            {
                var s = start;
                var e = i;
                while (s < e && char.IsWhiteSpace(text[s]))
                {
                    s++;
                }
                while (e > s && char.IsWhiteSpace(text[e - 1]))
                {
                    e--;
                }
                if (e > s)
                {
                    yield return new TextSpan(s, e);
                }
                start = i + 1;
            }
        }
    }

    static List<TextSpan> Words(string text, TextSpan span)
    {
        var words = new List<TextSpan>();
        var i = span.Start;
        while (i < span.End)
        {
            while (i < span.End && char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            var start = i;
            while (i < span.End && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }
            if (i > start)
            {
                words.Add(new TextSpan(start, i));
            }
        }
        return words;
    }
}
