using System.Text.Json;
using System.Text.RegularExpressions;

namespace Provenance.Client.Tests.Datasets;

/// <summary>
/// What the Croissant 1.1 and RAI 1.0 specifications require, read from their copies in ../shared/schemas/croissant next to
/// the folder holding Provenance.sln (PROVENANCE_SCHEMAS overrides): the required dataset properties, the recommended
/// context, the conformance IRIs, the RAI vocabulary and the two example documents. Tests skip, saying why, without them.
/// </summary>
internal sealed partial class CroissantSpec
{
    public const string Variable = "PROVENANCE_SCHEMAS";

    /// <summary>The dataset properties the specification's "Required" table lists, then the one it makes required (distribution).</summary>
    public required IReadOnlyList<string> RequiredProperties { get; init; }

    /// <summary>The context of Appendix 1.</summary>
    public required JsonElement Context { get; init; }

    /// <summary>The IRIs a dataset declares with dct:conformsTo: Croissant's and RAI's.</summary>
    public required IReadOnlyList<string> ConformsTo { get; init; }

    /// <summary>The rai: properties the RAI specification defines.</summary>
    public required IReadOnlySet<string> RaiProperties { get; init; }

    public required IReadOnlyList<JsonElement> Examples { get; init; }

    public static CroissantSpec Load()
    {
        var folder = Locate();
        Assert.SkipWhen(folder is null, $"Croissant specifications not found: set {Variable} to the schemas folder, or place it at ../shared/schemas next to Provenance.sln.");
        var spec = File.ReadAllText(Path.Combine(folder!, "croissant-spec-1.1.md"));
        var rai = File.ReadAllText(Path.Combine(folder!, "croissant-rai-spec.md"));
        var required = FirstCells(Between(spec, "#### Required", "#### Recommended"))
            .Concat(FirstCells(Between(spec, "### Modified and Added Properties", "The Croissant vocabulary also defines"))).ToList();
        var appendix = spec[spec.IndexOf("## Appendix 1: JSON-LD context", StringComparison.Ordinal)..];
        var contextJson = "{" + appendix[appendix.IndexOf('"', StringComparison.Ordinal)..(appendix.LastIndexOf('}') + 1)] + "}";
        var context = JsonDocument.Parse(contextJson, new JsonDocumentOptions { AllowTrailingCommas = true }).RootElement.GetProperty("@context");
        // The normative sentence of each specification comes first; the RAI specification's last example misspells its IRI.
        string[] conformsTo = [ConformsToPattern().Match(spec).Groups[1].Value, ConformsToPattern().Match(rai).Groups[1].Value];
        var raiProperties = RaiPattern().Matches(Between(rai, "## RAI property information", "## Examples")).Select(m => m.Value).ToHashSet();
        var examples = Directory.GetFiles(Path.Combine(folder!, "examples"), "*.json").Order()
            .Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
        return new CroissantSpec { RequiredProperties = required, Context = context, ConformsTo = conformsTo, RaiProperties = raiProperties, Examples = examples };
    }

    static string? Locate() => Repository.Shared(Variable, "schemas", "croissant");

    static string Between(string text, string start, string end)
    {
        var from = text.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, $"the specification has no '{start}'");
        var to = text.IndexOf(end, from + start.Length, StringComparison.Ordinal);
        return text[(from + start.Length)..(to < 0 ? text.Length : to)];
    }

    /// <summary>The text of the first cell of every row of the HTML tables in <paramref name="html"/>.</summary>
    static IEnumerable<string> FirstCells(string html) =>
        RowPattern().Matches(html).Select(m => TagPattern().Replace(m.Groups[1].Value, "").Trim()).Where(c => c.Length > 0);

    [GeneratedRegex(@"<tr>\s*<td>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex RowPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex("\"dct:conformsTo\"\\s*:\\s*\"([^\"]+)\"")]
    private static partial Regex ConformsToPattern();

    [GeneratedRegex(@"rai:[A-Za-z]+")]
    private static partial Regex RaiPattern();
}
