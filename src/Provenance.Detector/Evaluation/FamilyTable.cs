using System.Globalization;
using System.Text;

namespace Provenance.Detector.Evaluation;

/// <summary>The per-family table of verdict figures that <c>detector eval</c> and the model card print.</summary>
public static class FamilyTable
{
    /// <param name="nested">Optional second figures per family (thresholds chosen without the family), shown beside.</param>
    public static string Format(IReadOnlyList<FamilyVerdictMetrics> families, IReadOnlyList<FamilyVerdictMetrics>? nested = null)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        var width = Math.Max(8, families.Count == 0 ? 0 : families.Max(f => f.Family.Length)) + 2;
        text.Append(c, $"{"family".PadRight(width)}{"docs",7}{"human",7}{"machine",8}{"AUROC",8}{"TPR@1%",8}{"human->flag",12}{"coverage",9}{"machine->human",15}{"human->human",13}");
        text.AppendLine(nested is null ? "" : $"{"| nested: flag",15}{"coverage",9}");
        var byName = nested?.ToDictionary(n => n.Family);
        foreach (var f in families)
        {
            text.Append(c, $"{f.Family.PadRight(width)}{f.Documents,7}{f.Human,7}{f.Machine,8}{P(f.Auroc),8}{P(f.TprAt1PctFpr),8}{P(f.HumanFlagged),12}"
                + $"{P(f.Coverage),9}{P(f.MachineCalledHuman),15}{P(f.HumanCalledHuman),13}");
            text.AppendLine(byName is not null && byName.TryGetValue(f.Family, out var n) ? $"{"| " + P(n.HumanFlagged),15}{P(n.Coverage),9}" : "");
        }
        text.AppendLine("human->flag: share of human texts called synthetic or mixed; coverage: share of machine-or-mixed texts called synthetic or mixed;");
        text.AppendLine("machine->human / human->human: shares called human. The rest abstain (unknown). AUROC and TPR@1% rank p_synthetic within the family.");
        return text.ToString();
    }

    static string P(double? value) => value is { } v && double.IsFinite(v) ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";
}
