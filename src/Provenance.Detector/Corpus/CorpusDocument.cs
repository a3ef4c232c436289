using System.Text.Json.Serialization;

namespace Provenance.Detector.Corpus;

/// <summary>One labelled line of a detector corpus (train.jsonl / dev.jsonl).</summary>
public sealed record CorpusDocument(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("generator")] string? Generator,
    [property: JsonPropertyName("domain")] string? Domain,
    [property: JsonPropertyName("source")] string? Source)
{
    /// <summary>Index into the model's label order: 0 human, 1 synthetic, 2 mixed.</summary>
    public int LabelIndex => Label switch
    {
        "human" => 0,
        "synthetic" => 1,
        "mixed" => 2,
        _ => throw new InvalidDataException($"Document {Id} has label '{Label}'; expected human, synthetic or mixed."),
    };

    /// <summary>
    /// The family a leave-one-family-out evaluation holds out: the part of <see cref="Source"/> before '/', and for
    /// fast-detect-gpt also the domain (xsum, writing and squad are different kinds of text from the same pipeline).
    /// </summary>
    [JsonIgnore]
    public string Family
    {
        get
        {
            var source = Source ?? "";
            var slash = source.IndexOf('/', StringComparison.Ordinal);
            var family = slash < 0 ? source : source[..slash];
            return family == "fast-detect-gpt" && !string.IsNullOrEmpty(Domain) ? $"{family}/{Domain}" : family;
        }
    }
}

[JsonSerializable(typeof(CorpusDocument))]
[JsonSourceGenerationOptions(ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
internal sealed partial class CorpusJsonContext : JsonSerializerContext;
