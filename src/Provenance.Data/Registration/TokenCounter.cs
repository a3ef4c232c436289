using Microsoft.ML.Tokenizers;

namespace Provenance.Data.Registration;

/// <summary>
/// Counts tokens with OpenAI's o200k_base encoding. Training budgets are set in tokens, so the count is stored
/// once at registration instead of re-tokenizing millions of documents per dataset request.
/// </summary>
public static class TokenCounter
{
    static readonly Lazy<Tokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    public static int Count(string text) => Tokenizer.Value.CountTokens(text);
}
