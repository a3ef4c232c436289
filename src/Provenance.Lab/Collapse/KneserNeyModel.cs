namespace Provenance.Lab.Collapse;

/// <summary>
/// A word n-gram language model with interpolated Kneser–Ney smoothing (Chen and Goodman, 1999; one discount per order,
/// estimated as n1 / (n1 + 2 n2)). The highest order counts n-grams; each lower order counts the distinct words that
/// precede an n-gram (a word that only ever follows one phrase is not a likely word elsewhere); the unigram level is
/// interpolated with a uniform distribution over the vocabulary, so every word, an unseen one too, has a probability.
/// Trained on exactly the texts it is given, and immutable afterwards.
/// </summary>
public sealed class KneserNeyModel
{
    const int Unk = 0;
    const int Start = 1;
    const int End = 2;
    const int Root = 0;

    /// <summary>How often a draw of the end of the document or of an unknown word is repeated before a document stops early.</summary>
    const int Redraws = 50;

    readonly int _order;
    readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal) { ["<unk>"] = Unk, ["<s>"] = Start, ["</s>"] = End };
    readonly List<string> _words = ["<unk>", "<s>", "</s>"];

    // Histories as a trie: (node << 32 | word) → the node of the history extended by word; node 0 is the empty history.
    // Every node also knows its suffix (the history without its first word), which is where its lower order lives.
    readonly Dictionary<long, int> _children = [];
    readonly List<int> _suffix = [Root];
    readonly List<int> _nodeDepth = [0];

    // (node << 32 | word) → count: raw counts at the highest order, continuation counts below.
    readonly Dictionary<long, int> _counts = [];
    readonly double[] _discount;
    long[] _total = [];
    int[] _distinct = [];
    int[] _first = [];
    int[] _continuations = [];
    double[] _cumulative = [];

    KneserNeyModel(int order)
    {
        _order = order;
        _discount = new double[order];
    }

    public int Order => _order;

    /// <summary>Word types seen in training.</summary>
    public int Vocabulary => _words.Count - 3;

    /// <summary>Tokens trained on (words and document ends).</summary>
    public long TrainingTokens { get; private set; }

    public static KneserNeyModel Train(IEnumerable<string> documents, int order = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 2);
        var model = new KneserNeyModel(order);
        var top = new Dictionary<long, int>();
        foreach (var document in documents)
        {
            var ids = model.Padded(WordTokenizer.Split(document), learn: true);
            for (var i = order - 1; i < ids.Length; i++)
            {
                var node = Root;
                for (var j = i - order + 1; j < i; j++)
                {
                    node = model.Child(node, ids[j]);
                }
                var key = Key(node, ids[i]);
                top[key] = top.GetValueOrDefault(key) + 1;
                model.TrainingTokens++;
            }
        }

        // Continuation counts, one order at a time from the distinct n-grams one order up.
        var levels = new Dictionary<long, int>[order];
        levels[order - 1] = top;
        for (var m = order - 2; m >= 0; m--)
        {
            var lower = new Dictionary<long, int>();
            foreach (var key in levels[m + 1].Keys)
            {
                var shorter = Key(model._suffix[(int)(key >> 32)], (int)key);
                lower[shorter] = lower.GetValueOrDefault(shorter) + 1;
            }
            levels[m] = lower;
        }
        for (var m = 0; m < order; m++)
        {
            long n1 = 0, n2 = 0;
            foreach (var (key, count) in levels[m])
            {
                n1 += count == 1 ? 1 : 0;
                n2 += count == 2 ? 1 : 0;
                model._counts[key] = count;
            }
            model._discount[m] = n1 + n2 == 0 || n2 == 0 ? 0.75 : Math.Clamp((double)n1 / (n1 + 2 * n2), 0.05, 0.95);
        }
        model.Index();
        return model;
    }

    /// <summary>Per node: the total, the distinct continuations, and the continuations with cumulative discounted weights for sampling.</summary>
    void Index()
    {
        var nodes = _suffix.Count;
        _total = new long[nodes];
        _distinct = new int[nodes];
        foreach (var (key, count) in _counts)
        {
            var node = (int)(key >> 32);
            _total[node] += count;
            _distinct[node]++;
        }
        _first = new int[nodes + 1];
        for (var n = 0; n < nodes; n++)
        {
            _first[n + 1] = _first[n] + _distinct[n];
        }
        _continuations = new int[_counts.Count];
        _cumulative = new double[_counts.Count];
        var filled = new int[nodes];
        foreach (var (key, count) in _counts)
        {
            var node = (int)(key >> 32);
            var at = _first[node] + filled[node]++;
            _continuations[at] = (int)key;
            _cumulative[at] = count - _discount[_nodeDepth[node]];
        }
        for (var n = 0; n < nodes; n++)
        {
            for (var at = _first[n] + 1; at < _first[n + 1]; at++)
            {
                _cumulative[at] += _cumulative[at - 1];
            }
        }
    }

    /// <summary>Cross-entropy of <paramref name="documents"/> in bits per token (each word and each document's end).</summary>
    public (double BitsPerToken, long Tokens, double UnseenShare) Evaluate(IEnumerable<string> documents)
    {
        double bits = 0;
        long tokens = 0, unseen = 0;
        foreach (var document in documents)
        {
            var ids = Padded(WordTokenizer.Split(document), learn: false);
            for (var i = _order - 1; i < ids.Length; i++)
            {
                var history = ids.AsSpan(i - _order + 1, _order - 1);
                bits -= Math.Log2(Probability(history, ids[i]));
                tokens++;
                var node = Find(history);
                if (node < 0 || !_counts.ContainsKey(Key(node, ids[i])))
                {
                    unseen++;
                }
            }
        }
        return (tokens == 0 ? double.NaN : bits / tokens, tokens, tokens == 0 ? double.NaN : (double)unseen / tokens);
    }

    /// <summary>P(word | history), history being the last order − 1 tokens (padded with document starts).</summary>
    public double Probability(ReadOnlySpan<string> history, string word)
    {
        var ids = new int[history.Length];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = _ids.GetValueOrDefault(history[i], Unk);
        }
        return Probability(ids, _ids.GetValueOrDefault(word, Unk));
    }

    /// <summary>Every token that can follow a history: the words seen in training, the unknown word and the document's end.</summary>
    public IEnumerable<string> Outcomes => _words.Where((_, id) => id != Start);

    double Probability(ReadOnlySpan<int> history, int word)
    {
        var p = 1.0 / (_words.Count - 1);
        p = Interpolate(Root, word, p);
        for (var m = 1; m < _order && m <= history.Length; m++)
        {
            var node = Find(history[^m..]);
            if (node < 0)
            {
                break;
            }
            p = Interpolate(node, word, p);
        }
        return p;
    }

    double Interpolate(int node, int word, double lower)
    {
        var total = _total[node];
        if (total == 0)
        {
            return lower;
        }
        var d = _discount[_nodeDepth[node]];
        var c = _counts.GetValueOrDefault(Key(node, word));
        return (Math.Max(c - d, 0) + d * _distinct[node] * lower) / total;
    }

    /// <summary>
    /// A document of <paramref name="length"/> tokens that starts with <paramref name="prompt"/>'s tokens, each further
    /// token drawn from the model. The document's end is not drawn before the length is reached (it is drawn again), so
    /// lengths follow the caller's distribution rather than the model's.
    /// </summary>
    public string Generate(IReadOnlyList<string> prompt, int length, Random random)
    {
        var tokens = new List<int>(length + _order);
        for (var i = 0; i < _order - 1; i++)
        {
            tokens.Add(Start);
        }
        foreach (var word in prompt.Take(length))
        {
            tokens.Add(_ids.GetValueOrDefault(word, Unk));
        }
        var words = new List<string>(length);
        words.AddRange(prompt.Take(length));
        while (words.Count < length)
        {
            var next = End;
            for (var attempt = 0; attempt < Redraws && next is End or Unk; attempt++)
            {
                next = Sample(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens)[^(_order - 1)..], random);
            }
            if (next is End or Unk)
            {
                break;
            }
            tokens.Add(next);
            words.Add(_words[next]);
        }
        return WordTokenizer.Join(words);
    }

    /// <summary>
    /// An exact draw from the interpolated distribution: at each order, from the longest seen history down, the
    /// discounted counts keep their share of the probability and pass the rest (the backoff weight) to the order below.
    /// </summary>
    int Sample(ReadOnlySpan<int> history, Random random)
    {
        Span<int> nodes = stackalloc int[_order];
        var levels = 0;
        nodes[levels++] = Root;
        for (var m = 1; m < _order; m++)
        {
            var node = Find(history[^m..]);
            if (node < 0)
            {
                break;
            }
            nodes[levels++] = node;
        }
        for (var level = levels - 1; level >= 0; level--)
        {
            var node = nodes[level];
            var total = _total[node];
            if (total == 0)
            {
                continue;
            }
            var first = _first[node];
            var last = _first[node + 1] - 1;
            var kept = _cumulative[last];
            if (random.NextDouble() * total < kept)
            {
                var target = random.NextDouble() * kept;
                var at = Array.BinarySearch(_cumulative, first, last - first + 1, target);
                at = at < 0 ? ~at : at + 1;
                return _continuations[Math.Min(at, last)];
            }
        }
        var uniform = random.Next(_words.Count - 1);
        return uniform >= Start ? uniform + 1 : uniform;
    }

    int[] Padded(List<string> words, bool learn)
    {
        var ids = new int[words.Count + _order];
        for (var i = 0; i < _order - 1; i++)
        {
            ids[i] = Start;
        }
        for (var i = 0; i < words.Count; i++)
        {
            ids[_order - 1 + i] = learn ? Intern(words[i]) : _ids.GetValueOrDefault(words[i], Unk);
        }
        ids[^1] = End;
        return ids;
    }

    int Intern(string word)
    {
        if (!_ids.TryGetValue(word, out var id))
        {
            id = _words.Count;
            _ids[word] = id;
            _words.Add(word);
        }
        return id;
    }

    /// <summary>The node of the history of <paramref name="node"/> extended by <paramref name="word"/>, created with its suffixes when new.</summary>
    int Child(int node, int word)
    {
        var key = Key(node, word);
        if (_children.TryGetValue(key, out var child))
        {
            return child;
        }
        var suffix = node == Root ? Root : Child(_suffix[node], word);
        child = _suffix.Count;
        _suffix.Add(suffix);
        _nodeDepth.Add(_nodeDepth[node] + 1);
        _children[key] = child;
        return child;
    }

    int Find(ReadOnlySpan<int> history)
    {
        var node = Root;
        foreach (var word in history)
        {
            if (!_children.TryGetValue(Key(node, word), out node))
            {
                return -1;
            }
        }
        return node;
    }

    static long Key(int node, int word) => ((long)node << 32) | (uint)word;
}
