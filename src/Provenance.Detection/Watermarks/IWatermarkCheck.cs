using Provenance.Domain.Generators;

namespace Provenance.Detection.Watermarks;

/// <summary>
/// A check for one generator's watermark, configured per generator (<see cref="WatermarkOptions"/>). A positive
/// result is evidence that the generator wrote the text; a negative one is evidence of nothing (the text may be
/// another generator's, edited, or too short), so it is never recorded.
/// </summary>
public interface IWatermarkCheck
{
    /// <summary>The scheme, as the assertion names it (<c>watermark:{Scheme}</c>).</summary>
    string Scheme { get; }

    /// <summary>The generator whose watermark this checks.</summary>
    GeneratorName Generator { get; }

    /// <summary>The test's result for <paramref name="text"/>; null when the text has too few tokens to score.</summary>
    WatermarkResult? Check(string text);
}
