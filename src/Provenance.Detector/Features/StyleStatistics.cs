namespace Provenance.Detector.Features;

/// <summary>
/// Burstiness and style statistics of a token stream: sentence-length variation, vocabulary richness, word
/// length and punctuation habits. Machine text is typically more uniform (low burstiness, GPTZero's observation)
/// and leans on common words; these hold across domains better than any single n-gram does.
/// </summary>
internal sealed class StyleStatistics
{
    public static readonly string[] Names =
    [
        "log_words", "mean_word_length", "std_word_length", "type_token_ratio_100", "hapax_ratio_100",
        "mean_sentence_words", "sentence_length_cv", "log_sentences", "comma_rate", "period_rate",
        "question_exclaim_rate", "colon_semicolon_rate", "quote_bracket_rate", "dash_rate", "capitalized_rate",
        "all_caps_rate", "digit_word_rate", "long_word_rate", "contraction_rate", "other_punctuation_rate",
        "glued_punctuation_rate",
    ];

    public static int Count => Names.Length;

    const int RichnessWindow = 100;
    const int SetSize = 256;

    readonly ulong[] _setKeys = new ulong[SetSize];
    readonly int[] _setCounts = new int[SetSize];
    readonly int[] _setStamps = new int[SetSize];
    int _stamp;

    public void Compute(TokenBuffer tokens, Span<float> output)
    {
        output.Clear();
        _stamp++;
        int words = 0, letters = 0, capitalized = 0, allCaps = 0, digits = 0, longWords = 0, clitics = 0;
        int commas = 0, periods = 0, questions = 0, colons = 0, quotes = 0, dashes = 0, otherPunct = 0;
        double lengthSum = 0, lengthSquares = 0;
        int distinct = 0, windowWords = 0;
        int sentences = 0, sentenceWords = 0;
        double sentenceSum = 0, sentenceSquares = 0;

        for (var t = 0; t < tokens.Count; t++)
        {
            switch (tokens.Kinds[t])
            {
                case TokenKind.Word:
                    words++;
                    sentenceWords++;
                    var length = tokens.NormLength[t];
                    lengthSum += length;
                    lengthSquares += (double)length * length;
                    var shape = tokens.Shape[t];
                    if ((shape & TokenBuffer.Capitalized) != 0)
                    {
                        capitalized++;
                    }
                    if ((shape & TokenBuffer.AllCaps) != 0)
                    {
                        allCaps++;
                    }
                    if ((shape & TokenBuffer.HasDigit) != 0)
                    {
                        digits++;
                    }
                    else
                    {
                        letters++;
                    }
                    if (length >= 9)
                    {
                        longWords++;
                    }
                    if (windowWords < RichnessWindow)
                    {
                        windowWords++;
                        if (CountWord(tokens.Hashes[t]) == 1)
                        {
                            distinct++;
                        }
                    }
                    break;
                case TokenKind.Clitic:
                    clitics++;
                    break;
                default:
                    switch (tokens.Punctuation[t])
                    {
                        case ',':
                            commas++;
                            break;
                        case '.':
                        case '!':
                        case '?':
                            if (tokens.Punctuation[t] == '.')
                            {
                                periods++;
                            }
                            else
                            {
                                questions++;
                            }
                            if (sentenceWords > 0)
                            {
                                sentences++;
                                sentenceSum += sentenceWords;
                                sentenceSquares += (double)sentenceWords * sentenceWords;
                                sentenceWords = 0;
                            }
                            break;
                        case ':':
                        case ';':
                            colons++;
                            break;
                        case '"':
                        case '\'':
                        case '(':
                        case ')':
                        case '[':
                        case ']':
                            quotes++;
                            break;
                        case '-':
                            dashes++;
                            break;
                        default:
                            otherPunct++;
                            break;
                    }
                    break;
            }
        }
        if (sentenceWords > 0)
        {
            sentences++;
            sentenceSum += sentenceWords;
            sentenceSquares += (double)sentenceWords * sentenceWords;
        }
        if (words == 0)
        {
            return;
        }

        var hapax = 0;
        for (var i = 0; i < SetSize; i++)
        {
            if (_setStamps[i] == _stamp && _setCounts[i] == 1)
            {
                hapax++;
            }
        }
        var meanLength = lengthSum / words;
        var meanSentence = sentenceSum / sentences;
        var sentenceVariance = Math.Max(0, sentenceSquares / sentences - meanSentence * meanSentence);
        double w = words;
        output[0] = (float)Math.Log(1 + words);
        output[1] = (float)meanLength;
        output[2] = (float)Math.Sqrt(Math.Max(0, lengthSquares / words - meanLength * meanLength));
        output[3] = (float)distinct / windowWords;
        output[4] = (float)hapax / windowWords;
        output[5] = (float)meanSentence;
        output[6] = sentences > 1 ? (float)(Math.Sqrt(sentenceVariance) / meanSentence) : 0f;
        output[7] = (float)Math.Log(1 + sentences);
        output[8] = (float)(commas / w);
        output[9] = (float)(periods / w);
        output[10] = (float)(questions / w);
        output[11] = (float)(colons / w);
        output[12] = (float)(quotes / w);
        output[13] = (float)(dashes / w);
        output[14] = (float)(capitalized / w);
        output[15] = (float)(allCaps / w);
        output[16] = (float)(digits / w);
        output[17] = (float)(longWords / w);
        output[18] = (float)(clitics / w);
        output[19] = (float)(otherPunct / w);
        output[20] = (float)(tokens.GluedPunctuation / w);
    }

    /// <summary>Counts a word in a small open-addressed set that is reset by bumping a stamp, not by clearing.</summary>
    int CountWord(ulong hash)
    {
        var slot = (int)(FeatureHash.Mix(hash) & (SetSize - 1));
        while (true)
        {
            if (_setStamps[slot] != _stamp)
            {
                _setStamps[slot] = _stamp;
                _setKeys[slot] = hash;
                _setCounts[slot] = 1;
                return 1;
            }
            if (_setKeys[slot] == hash)
            {
                return ++_setCounts[slot];
            }
            slot = (slot + 1) & (SetSize - 1);
        }
    }
}
