namespace Provenance.Text.Tokens;

/// <summary>
/// Counts tokens with OpenAI's o200k_base encoding. Training budgets are set in tokens, so the count is stored
/// once at registration instead of re-tokenizing millions of documents per dataset request.
/// </summary>
/// <remarks>
/// The count is the one <c>TiktokenTokenizer.CreateForEncoding("o200k_base").CountTokens(text)</c> gives (see
/// <see cref="O200kTokenCounter"/> for the one case where that call's answer drifts over a process's life). That call
/// ran at ~15 MB/s per core and was the largest CPU cost of ingest; this one replaces its regex with a hand-written
/// scanner and remembers the count of each piece in a bounded cache. Thread-safe.
/// </remarks>
public static class TokenCounter
{
    // Loading the 200k-token vocabulary takes about a second, so it happens on first use rather than at startup.
    static readonly Lazy<O200kTokenCounter> Counter = new(() => new O200kTokenCounter(TokenIds.O200k.Value, BytePairRanks.Load()));

    public static int Count(string text) => Counter.Value.Count(text);
}
