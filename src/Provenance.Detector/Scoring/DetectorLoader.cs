using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Scoring;

/// <summary>
/// The detector a host's configuration asks for, so hosts switch by setting rather than by code: the trained
/// classifier alone (<see cref="TextDetector"/>), or, when <see cref="DetectorOptions.ZeroShot"/> names a language
/// model, that classifier combined with a zero-shot scorer by the configured rule (<see cref="CombinedDetector"/>).
/// </summary>
public static class DetectorLoader
{
    public static ITextDetector Load(DetectorOptions options, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        if (options.ZeroShot is not { } zeroShot || string.IsNullOrWhiteSpace(zeroShot.Model))
        {
            return TextDetector.Load(options, logger);
        }
        options.Validate();
        // Read the rule first: a missing file should not cost loading a language model.
        // Validate refused a combination without a rule.
        var rule = CombinationRule.Load(zeroShot.Rule!);
        var classifier = TextDetector.Load(options, logger);
        ZeroShotScorer? scorer = null;
        try
        {
            scorer = ZeroShotScorer.Load(zeroShot, options, logger);
            return new CombinedDetector(classifier, scorer, rule);
        }
        catch
        {
            scorer?.Dispose();
            classifier.Dispose();
            throw;
        }
    }
}
