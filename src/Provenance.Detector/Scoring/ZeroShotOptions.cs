namespace Provenance.Detector.Scoring;

/// <summary>
/// A zero-shot scorer on Hugging Face causal language models exported to ONNX (docs/zero-shot-detection.md): one model
/// scores with Fast-DetectGPT, an observer and a performer sharing a tokenizer score with Binoculars.
/// </summary>
public sealed record ZeroShotOptions
{
    /// <summary>Folder of the exported model (model.onnx, config.json, tokenizer files); Binoculars' observer.</summary>
    public string? Model { get; init; }

    /// <summary>Folder of Binoculars' performer model; null scores with Fast-DetectGPT on <see cref="Model"/> alone.</summary>
    public string? Performer { get; init; }

    /// <summary>
    /// The combination rule's JSON (<c>CombinationRule</c>), fitted for this classifier and this zero-shot scorer;
    /// required when the detector combines them, not for scoring alone.
    /// </summary>
    public string? Rule { get; init; }

    /// <summary>Tokens scored per text, special tokens included; the rest of a longer text is not read.</summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>
    /// Logits a batch may hold at once, in MiB: rows × longest row × vocabulary × 4 bytes, summed over the models
    /// (Binoculars holds two). A 512-token text on Qwen2.5's 151,936-token vocabulary is 297 MiB, so with the default
    /// long texts go one at a time; a single text over the budget still runs alone.
    /// </summary>
    public double LogitsBudgetMiB { get; init; } = 512;

    /// <summary>Short name recorded in model ids (e.g. "qwen2.5-0.5b"); null takes it from the model's config.json.</summary>
    public string? Name { get; init; }

    /// <summary>Where a host's configuration holds these settings.</summary>
    public const string Section = DetectorOptions.Section + ":" + nameof(DetectorOptions.ZeroShot);

    /// <summary>What is wrong with these settings for scoring, each message naming its key; empty when they can score.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Model))
        {
            problems.Add($"{Section}:{nameof(Model)} must name the folder of an exported causal language model.");
        }
        if (MaxTokens < 2)
        {
            problems.Add($"{Section}:{nameof(MaxTokens)} is {MaxTokens}; it must be at least 2, the fewest a criterion can score.");
        }
        if (!(LogitsBudgetMiB > 0))
        {
            problems.Add($"{Section}:{nameof(LogitsBudgetMiB)} is {LogitsBudgetMiB}; it must be positive.");
        }
        return problems;
    }

    internal void Validate()
    {
        if (Problems() is [_, ..] problems)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }
}
