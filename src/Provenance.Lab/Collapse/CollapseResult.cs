namespace Provenance.Lab.Collapse;

/// <summary>One policy's model at one generation, and the dataset version it was trained on.</summary>
/// <param name="Version">The version trained on (name@N).</param>
/// <param name="CrossEntropy">Bits per token of the held-out human test set under the model.</param>
/// <param name="UnseenShare">Share of the test set's n-grams (of the model's order) the model never saw in training.</param>
/// <param name="Distinct1">Distinct-1 of the documents this generation added (the human pool at generation 0).</param>
/// <param name="Distinct2">Distinct-2 of the same documents.</param>
/// <param name="Samples">Documents the previous model wrote for this generation (0 at generation 0).</param>
/// <param name="Added">Documents the version added to its base (all of them without a base).</param>
/// <param name="HumanShare">The version's human share, from its collapse-risk report.</param>
/// <param name="MaxDepth">The deepest model-written document of the version, from its collapse-risk report.</param>
/// <param name="Warnings">The collapse-risk report's warnings.</param>
/// <param name="Refused">What the registry refused and advised, when the spec as first asked could not be met.</param>
/// <param name="RegisterSeconds">Registering this generation's samples over the bus, confirmations included.</param>
/// <param name="AssembleSeconds">Assembling the version (POST /v1/datasets), the refused attempt included.</param>
public sealed record GenerationResult(
    string Policy,
    int Generation,
    string Version,
    string? Base,
    long Documents,
    double CrossEntropy,
    double UnseenShare,
    double Distinct1,
    double Distinct2,
    int Samples,
    long Added,
    double HumanShare,
    int? MaxDepth,
    double? MeanDepth,
    IReadOnlyList<string> Warnings,
    string? Refused,
    double RegisterSeconds,
    double AssembleSeconds,
    double TrainSeconds);

/// <summary>A policy's chain: its last version, how many versions the registry's chain endpoint returns, and a lineage walk of its deepest document.</summary>
/// <param name="ChainLength">Versions in <c>GET /v1/datasets/{last}/chain</c>: the last version and every base under it.</param>
/// <param name="DeepestDocument">A document of the greatest depth in the last version.</param>
/// <param name="LineageDepth">Its depth (generations from human text), as the registry records it.</param>
/// <param name="AncestorLevels">Generations its ancestor walk (<c>GET /v1/documents/{id}/lineage/ancestors</c>) went up.</param>
/// <param name="ReachesHuman">Whether that walk ends at a human document.</param>
public sealed record PolicyChain(string Policy, string LastVersion, int ChainLength, long? DeepestDocument, int? LineageDepth, int AncestorLevels, bool ReachesHuman);

/// <summary>How the registry took the lab's load.</summary>
/// <param name="DocumentsRegistered">Documents sent over the bus (human pool and samples).</param>
/// <param name="RegisterSeconds">Time from the first send to the last confirmation, summed over registrations.</param>
/// <param name="AssemblySeconds">Every assembly's time, in order.</param>
public sealed record RegistryLoad(long DocumentsRegistered, double RegisterSeconds, IReadOnlyList<double> AssemblySeconds)
{
    public double DocumentsPerSecond => RegisterSeconds > 0 ? DocumentsRegistered / RegisterSeconds : 0;
}

/// <summary>What <c>provenance lab collapse</c> writes to collapse.json.</summary>
public sealed record CollapseResult(
    CollapseSettings Settings,
    int PoolDocuments,
    int TestDocuments,
    long TestTokens,
    IReadOnlyList<GenerationResult> Generations,
    IReadOnlyList<PolicyChain> Chains,
    RegistryLoad Load,
    double WallSeconds);
