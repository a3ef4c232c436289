using System.Collections.Frozen;

namespace Provenance.Domain.Assertions;

/// <summary>
/// The IPTC NewsCodes "digital source type" vocabulary (https://cv.iptc.org/newscodes/digitalsourcetype/),
/// which publishers and C2PA manifests use to say how media was made, mapped onto the registry's classes.
/// </summary>
public static class DigitalSourceType
{
    public const string VocabularyUri = "http://cv.iptc.org/newscodes/digitalsourcetype/";

    static readonly FrozenDictionary<string, ProvenanceClass> Codes = new Dictionary<string, ProvenanceClass>(StringComparer.OrdinalIgnoreCase)
    {
        ["trainedAlgorithmicMedia"] = ProvenanceClass.Synthetic,
        ["algorithmicMedia"] = ProvenanceClass.Synthetic,
        ["compositeWithTrainedAlgorithmicMedia"] = ProvenanceClass.Mixed,
        ["compositeSynthetic"] = ProvenanceClass.Mixed,
        ["algorithmicallyEnhanced"] = ProvenanceClass.Mixed,
        ["digitalCapture"] = ProvenanceClass.Human,
        ["digitalCreation"] = ProvenanceClass.Human,
        ["humanEdits"] = ProvenanceClass.Human,
        ["minorHumanEdits"] = ProvenanceClass.Human,
        ["compositeCapture"] = ProvenanceClass.Human,
        ["negativeFilm"] = ProvenanceClass.Human,
        ["positiveFilm"] = ProvenanceClass.Human,
        ["print"] = ProvenanceClass.Human,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Reads a code (<c>trainedAlgorithmicMedia</c>) or its full URI and returns the canonical URI and the class
    /// it implies.
    /// </summary>
    public static bool TryParse(string? value, out string uri, out ProvenanceClass implied, out string? error)
    {
        uri = "";
        implied = ProvenanceClass.Unknown;
        var code = value?.Trim() ?? "";
        foreach (var prefix in (ReadOnlySpan<string>)[VocabularyUri, "https://cv.iptc.org/newscodes/digitalsourcetype/"])
        {
            if (code.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                code = code[prefix.Length..];
            }
        }
        if (!Codes.TryGetValue(code, out implied))
        {
            error = $"unknown IPTC digitalSourceType '{value}'; expected a code such as trainedAlgorithmicMedia, "
                + $"compositeWithTrainedAlgorithmicMedia or digitalCapture, or its URI under {VocabularyUri}.";
            return false;
        }
        var canonical = Codes.Keys.First(k => string.Equals(k, code, StringComparison.OrdinalIgnoreCase));
        uri = VocabularyUri + canonical;
        error = null;
        return true;
    }
}
