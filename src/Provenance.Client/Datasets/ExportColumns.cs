namespace Provenance.Client.Datasets;

/// <param name="DataType">The schema.org type Croissant's RecordSet gives the column.</param>
/// <param name="Meaning">What the column holds, for the dataset card and Croissant alike.</param>
public sealed record ExportColumn(string Name, string DataType, string Meaning);

/// <summary>The columns of an export's shards, in file order: the one description the card, Croissant and the writers share.</summary>
public static class ExportColumns
{
    public static readonly IReadOnlyList<ExportColumn> All =
    [
        new("id", "sc:Integer", "registry id of the document"),
        new("content_hash", "sc:Text", "SHA-256 of the normalized text (hex)"),
        new("text", "sc:Text", "the normalized text"),
        new("class", "sc:Text", "the registry's class when the version was assembled: human, synthetic, mixed or unknown"),
        new("counted_as", "sc:Text", "the class the version's shares count it as (differs for documents of unknown provenance admitted on detector scores)"),
        new("generator", "sc:Text", "the model that wrote it, name@version"),
        new("depth", "sc:Integer", "generations from human text (0 = human)"),
        new("tokens", "sc:Integer", "o200k_base tokens"),
        new("language", "sc:Text", "as registered (BCP 47)"),
        new("licence", "sc:Text", "as registered"),
        new("source_domain", "sc:Text", "the host of the document's first sighting"),
    ];
}
