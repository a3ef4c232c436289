using Provenance.Domain.Generators;
using Provenance.Hosting.Settings;
using Provenance.Text.Tokens;

namespace Provenance.Detection.Watermarks;

/// <summary>
/// The <c>Watermarks</c> section: the watermarks the detector tests every document it scores for, one scheme per
/// generator. Empty (the default), no document is tested.
/// </summary>
public sealed class WatermarkOptions
{
    public const string Section = "Watermarks";

    /// <summary>One entry per generator whose watermark the registry can verify (<c>Watermarks:Schemes:0:Generator</c>, …).</summary>
    public List<WatermarkScheme> Schemes { get; set; } = [];

    /// <summary>Checked when a host starts (<see cref="SettingsHosting"/>). Messages never quote a key.</summary>
    internal static void Check(WatermarkOptions options, SettingFailures failures)
    {
        for (var i = 0; i < options.Schemes.Count; i++)
        {
            var s = options.Schemes[i];
            var at = $"{nameof(Schemes)}:{i}:";
            if (!string.Equals(s.Scheme, KirchenbauerWatermark.Name, StringComparison.Ordinal))
            {
                failures.Add(at + nameof(WatermarkScheme.Scheme), $"is '{s.Scheme}'; the one scheme the registry tests is '{KirchenbauerWatermark.Name}'.");
            }
            if (!GeneratorName.TryParse(s.Generator, out _, out var error))
            {
                failures.Add(at + nameof(WatermarkScheme.Generator), $"is not a generator: {error}");
            }
            failures.NotBlank(at + nameof(WatermarkScheme.Key), s.Key,
                "give the generator's watermark key, from the environment or a secret store (Watermarks__Schemes__N__Key), never a settings file");
            if (!TokenIds.IsKnown(s.Tokenizer))
            {
                failures.Add(at + nameof(WatermarkScheme.Tokenizer), $"is '{s.Tokenizer}'; known tokenizers: {string.Join(", ", TokenIds.Names)}.");
            }
            if (!(s.Gamma > 0 && s.Gamma < 1))
            {
                failures.Add(at + nameof(WatermarkScheme.Gamma), $"is {s.Gamma}; it must be between 0 and 1, exclusive (the green list's share of the vocabulary).");
            }
            if (!(s.ZThreshold > 0 && double.IsFinite(s.ZThreshold)))
            {
                failures.Add(at + nameof(WatermarkScheme.ZThreshold), $"is {s.ZThreshold}; it must be above 0 (the paper uses 4).");
            }
            failures.Range(at + nameof(WatermarkScheme.ContextWidth), s.ContextWidth, 1, MostContextWidth, "tokens before a position that seed its green list");
            failures.Range(at + nameof(WatermarkScheme.MinTokens), s.MinTokens, 1, int.MaxValue, "fewest tokens scored before a result counts");
        }
        foreach (var repeated in options.Schemes.GroupBy(s => s.Generator?.Trim(), StringComparer.Ordinal).Where(g => g.Key is not null && g.Count() > 1))
        {
            failures.Add(nameof(Schemes), $"names generator '{repeated.Key}' {repeated.Count()} times; give each generator one scheme.");
        }
    }

    // The paper's schemes use one token; wider contexts resist fewer edits. Eight is already far past any published use.
    const int MostContextWidth = 8;
}

/// <summary>One generator's watermark: how its green lists are drawn and when a count is evidence.</summary>
public sealed class WatermarkScheme
{
    /// <summary>The scheme: <c>kirchenbauer</c> (<see cref="KirchenbauerWatermark"/>).</summary>
    public string Scheme { get; set; } = KirchenbauerWatermark.Name;

    /// <summary>The generator that watermarks its output (name@version); a positive result names it.</summary>
    public string Generator { get; set; } = "";

    /// <summary>The generator's watermark key. A secret: give it from the environment or a secret store; it is never logged or recorded.</summary>
    public string Key { get; set; } = "";

    /// <summary>The generator's tokenizer, one of the registry's (<c>o200k_base</c>).</summary>
    public string Tokenizer { get; set; } = TokenIds.O200kBase;

    /// <summary>γ, the green list's share of the vocabulary; as the generator used it (the paper's experiments: 0.25 or 0.5).</summary>
    public double Gamma { get; set; } = 0.25;

    /// <summary>The z-score from which a text counts as watermarked. 4 (the paper's) means a one-sided p of 3.2 × 10⁻⁵.</summary>
    public double ZThreshold { get; set; } = 4;

    /// <summary>Tokens before a position that seed its green list (h in the paper; 1 in its basic scheme).</summary>
    public int ContextWidth { get; set; } = 1;

    /// <summary>Fewest tokens scored for a result: below it the normal approximation, and a reader's trust in it, are weak.</summary>
    public int MinTokens { get; set; } = 50;

    /// <summary>Count a recurring (context, token) pair once (the reference's <c>ignore_repeated_ngrams</c>).</summary>
    public bool CountRepeatsOnce { get; set; } = true;

    /// <summary>Never the key: options objects end up in logs and debuggers.</summary>
    public override string ToString() =>
        $"{Scheme} for {Generator} ({Tokenizer}, gamma {Gamma}, z >= {ZThreshold}, context {ContextWidth}, at least {MinTokens} tokens)";
}
