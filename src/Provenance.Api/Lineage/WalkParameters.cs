using Microsoft.AspNetCore.Http.HttpResults;
using Provenance.Api.Hosting;
using Provenance.Domain;
using Provenance.Domain.Lineage;

namespace Provenance.Api.Lineage;

/// <summary>The <c>maxDepth</c> and <c>relation</c> query parameters of every lineage walk (the walks and its PROV view).</summary>
internal static class WalkParameters
{
    public const int DefaultMaxDepth = 32;
    public const int MaxMaxDepth = 1000;

    /// <summary>The generations to walk and the relations to follow, or the problem with what the caller wrote.</summary>
    public static ProblemHttpResult? TryParse(int? maxDepth, string[]? relation, out int depth, out List<LineageRelation> relations)
    {
        depth = maxDepth ?? DefaultMaxDepth;
        relations = [];
        if (depth is < 1 or > MaxMaxDepth)
        {
            return Problems.Invalid($"maxDepth {depth} is outside 1..{MaxMaxDepth}.", "invalid_max_depth");
        }
        foreach (var name in (relation ?? []).SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!WireNames.TryParse<LineageRelation>(name, out var parsed))
            {
                return Problems.Invalid(WireNames.Explain<LineageRelation>("relation", name), "invalid_relation");
            }
            relations.Add(parsed);
        }
        return null;
    }
}
