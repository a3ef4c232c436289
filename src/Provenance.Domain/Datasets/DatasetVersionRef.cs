using System.Globalization;

namespace Provenance.Domain.Datasets;

/// <summary>
/// How a client names a dataset version: by its registry id (<c>42</c>), by dataset and number (<c>web-en@3</c>),
/// or by dataset name alone for its latest version (<c>web-en</c>).
/// </summary>
public readonly record struct DatasetVersionRef(long? Id, string? Dataset, int? Number)
{
    public static bool TryParse(string? text, out DatasetVersionRef value)
    {
        value = default;
        var s = text?.Trim() ?? "";
        if (s.Length == 0 || s.Length > 120)
        {
            return false;
        }
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            value = new DatasetVersionRef(id > 0 ? id : null, null, null);
            return id > 0;
        }
        var at = s.LastIndexOf('@');
        var name = at < 0 ? s : s[..at];
        if (!MixSpecValidator.IsDatasetName(name))
        {
            return false;
        }
        if (at < 0)
        {
            value = new DatasetVersionRef(null, name, null);
            return true;
        }
        if (!int.TryParse(s[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            return false;
        }
        value = new DatasetVersionRef(null, name, number);
        return true;
    }

    public override string ToString() =>
        Id is { } id ? id.ToString(CultureInfo.InvariantCulture)
        : Number is { } n ? $"{Dataset}@{n.ToString(CultureInfo.InvariantCulture)}"
        : Dataset ?? "";
}
