namespace Provenance.Detector.Segments;

/// <summary>How documents are cut into segments for mixed-authorship evidence.</summary>
public sealed record SegmentOptions
{
    /// <summary>A paragraph longer than this many words is cut into windows of this many words.</summary>
    public int MaxWords { get; init; } = 120;

    /// <summary>Words between window starts; equal to <see cref="MaxWords"/> tiles without overlap.</summary>
    public int StrideWords { get; init; } = 120;

    /// <summary>Shorter paragraphs join their neighbours: a few words carry too little signal to judge.</summary>
    public int MinWords { get; init; } = 30;

    internal void Validate()
    {
        if (MinWords < 1 || MaxWords < MinWords || StrideWords < 1 || StrideWords > MaxWords)
        {
            throw new ArgumentException($"Segment options need 1 <= MinWords <= MaxWords and 1 <= StrideWords <= MaxWords (got {this}).");
        }
    }
}
