namespace Provenance.Data.Documents;

/// <summary>The normalized text of a document, kept apart from its metadata.</summary>
public sealed class DocumentText
{
    public long DocumentId { get; set; }
    public string Text { get; set; } = "";
}
