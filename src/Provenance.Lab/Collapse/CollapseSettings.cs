using System.Text.Json;
using System.Text.Json.Serialization;

namespace Provenance.Lab.Collapse;

/// <summary>How a model's training data is assembled from one generation to the next.</summary>
public enum CollapsePolicy
{
    /// <summary>Version k holds only generation k's samples: the set-up under which Shumailov et al. (Nature 2024) saw collapse.</summary>
    Replace,

    /// <summary>Version k is version k − 1 plus generation k's samples (Gerstgrasser et al., 2024: test loss stays bounded).</summary>
    Accumulate,

    /// <summary>Accumulate, with the registry holding every version to a minimum human share.</summary>
    Anchored,
}

/// <param name="Generations">Model generations after the one trained on human text.</param>
/// <param name="Order">The n-gram order (3 = trigram).</param>
/// <param name="PoolDocuments">Human documents registered and trained on.</param>
/// <param name="TestDocuments">Human documents held out, never registered: the test set.</param>
/// <param name="SamplesPerGeneration">Documents each model writes; null = as many as the pool.</param>
/// <param name="PromptWords">Words of a training document each sample starts from.</param>
/// <param name="AnchorShare">The anchored policy's minHumanShare.</param>
/// <param name="Dataset">Prefix of the datasets: one per policy, named prefix-policy.</param>
/// <param name="HumanDomain">The source domain the human pool is registered under; the first version of every policy selects it.</param>
/// <param name="BatchSize">Documents per message on the bus.</param>
public sealed record CollapseSettings(
    IReadOnlyList<CollapsePolicy> Policies,
    int Generations = 8,
    int Order = 3,
    int PoolDocuments = 1000,
    int TestDocuments = 500,
    int? SamplesPerGeneration = null,
    int PromptWords = 3,
    int Seed = 1,
    double AnchorShare = 0.5,
    string Dataset = "collapse",
    string HumanDomain = "human.collapse-lab.test",
    int BatchSize = 500)
{
    public const string GeneratorName = "lab-ngram";

    public int Samples => SamplesPerGeneration ?? PoolDocuments;

    /// <summary>How the lab names its enums' values, in dataset names, in its results and in collapse.json.</summary>
    public static readonly JsonNamingPolicy Naming = JsonNamingPolicy.KebabCaseLower;

    /// <summary>collapse.json: web defaults, indented, enum values by <see cref="Naming"/>.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(Naming, allowIntegerValues: false) },
    };

    public static string Name(CollapsePolicy policy) => Naming.ConvertName(policy.ToString());

    /// <summary>The generator of a policy's generation k: <c>lab-ngram@replace-g3</c>.</summary>
    public static string Generator(CollapsePolicy policy, int generation) => $"{GeneratorName}@{Name(policy)}-g{generation}";
}
