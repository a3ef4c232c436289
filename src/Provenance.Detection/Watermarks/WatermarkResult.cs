using System.Text.Json;
using System.Text.Json.Serialization;

namespace Provenance.Detection.Watermarks;

/// <summary>
/// What a watermark test found in one text: the evidence a positive result records (never the key).
/// </summary>
/// <param name="Scheme">The scheme that tested, e.g. <c>kirchenbauer</c>.</param>
/// <param name="Generator">The generator whose watermark was tested for (name@version).</param>
/// <param name="Z">The z-score of the green-token count.</param>
/// <param name="PValue">One-sided p-value of <see cref="Z"/>: the chance that text written without the watermark scores at least this.</param>
/// <param name="TokensScored">Tokens counted (each after its context; repeats once, if so configured).</param>
/// <param name="GreenTokens">Of those, how many are on their context's green list.</param>
/// <param name="Detected">Whether <see cref="Z"/> reached <see cref="ZThreshold"/>.</param>
public sealed record WatermarkResult(
    string Scheme,
    string Generator,
    double Z,
    double PValue,
    int TokensScored,
    int GreenTokens,
    double Gamma,
    double ZThreshold,
    string Tokenizer,
    int ContextWidth,
    bool CountRepeatsOnce,
    bool Detected)
{
    /// <summary>
    /// Confidence of a positive result: 1 − p, kept below 1 at the stored precision (6 decimals), since a
    /// statistical test never makes a text certainly machine-written.
    /// </summary>
    [JsonIgnore]
    public double Confidence => Math.Clamp(1 - PValue, 0, MostConfidence);

    /// <summary>The highest confidence a watermark assertion records: 1 − 10⁻⁶, the last step below 1 at 6 decimals.</summary>
    public const double MostConfidence = 0.999999;

    /// <summary>Who the assertion of a positive result names: <c>watermark:</c> and the scheme.</summary>
    [JsonIgnore]
    public string AssertedBy => $"watermark:{Scheme}";

    public string ToJson() => JsonSerializer.Serialize(this, WatermarkJsonContext.Default.WatermarkResult);
}

[JsonSerializable(typeof(WatermarkResult))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class WatermarkJsonContext : JsonSerializerContext;
