using System.Text.Json.Serialization;
using Provenance.Detector.Modeling;

namespace Provenance.Detector.Scoring;

/// <summary>The registry's authorship classes, in the model's label order.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DetectorClass>))]
public enum DetectorClass
{
    [JsonStringEnumMemberName("human")]
    Human = 0,

    [JsonStringEnumMemberName("synthetic")]
    Synthetic = 1,

    [JsonStringEnumMemberName("mixed")]
    Mixed = 2,
}

/// <summary>Turns class probabilities into a class with a manifest's thresholds.</summary>
public static class DetectorDecision
{
    /// <param name="pHuman">P(human).</param>
    /// <param name="pMixed">P(mixed authorship); the rest of 1 - pHuman is P(purely machine-written).</param>
    /// <param name="thresholds">From the model's manifest.</param>
    public static DetectorClass Classify(double pHuman, double pMixed, DetectorThresholds thresholds)
    {
        var notHuman = 1 - pHuman;
        if (notHuman < thresholds.Synthetic)
        {
            return DetectorClass.Human;
        }
        return pMixed / Math.Max(notHuman, 1e-9) >= thresholds.Mixed ? DetectorClass.Mixed : DetectorClass.Synthetic;
    }

    public static string ToLabel(this DetectorClass value) => value switch
    {
        DetectorClass.Human => "human",
        DetectorClass.Synthetic => "synthetic",
        _ => "mixed",
    };
}
