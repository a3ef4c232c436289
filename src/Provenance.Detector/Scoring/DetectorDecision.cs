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

    /// <summary>
    /// The detector abstains: its scores are not confident enough to meet the model's error targets, so it records
    /// them as evidence and leaves the document's class unknown.
    /// </summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown = 3,
}

/// <summary>Turns class probabilities into a class with a manifest's thresholds.</summary>
public static class DetectorDecision
{
    /// <summary>
    /// Human below <see cref="DetectorThresholds.HumanBelow"/>, machine-or-mixed at or above
    /// <see cref="DetectorThresholds.Synthetic"/>, and <see cref="DetectorClass.Unknown"/> (abstain) in between.
    /// </summary>
    /// <param name="pHuman">P(human).</param>
    /// <param name="pMixed">P(mixed authorship); the rest of 1 - pHuman is P(purely machine-written).</param>
    /// <param name="thresholds">From the model's manifest.</param>
    public static DetectorClass Classify(double pHuman, double pMixed, DetectorThresholds thresholds)
    {
        var notHuman = 1 - pHuman;
        if (notHuman < thresholds.HumanBelow)
        {
            return DetectorClass.Human;
        }
        if (notHuman < thresholds.Synthetic)
        {
            return DetectorClass.Unknown;
        }
        return pMixed / Math.Max(notHuman, 1e-9) >= thresholds.Mixed ? DetectorClass.Mixed : DetectorClass.Synthetic;
    }

    public static string ToLabel(this DetectorClass value) => value switch
    {
        DetectorClass.Human => "human",
        DetectorClass.Synthetic => "synthetic",
        DetectorClass.Mixed => "mixed",
        _ => "unknown",
    };
}
