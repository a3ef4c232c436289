using System.Text.Json.Nodes;

namespace Provenance.Testing;

/// <summary>Reading <c>GET /v1/stats</c> in tests that check a refused request changed nothing.</summary>
public static class RegistryStats
{
    /// <summary>
    /// The stats without <c>awaitingSearchIndex</c>: the search indexer shrinks that backlog in the background whatever
    /// a request does, so it is progress of the registry's own work, not something a request wrote.
    /// </summary>
    public static string WithoutBackgroundWork(string statsJson)
    {
        var stats = JsonNode.Parse(statsJson)!.AsObject();
        stats.Remove("awaitingSearchIndex");
        return stats.ToJsonString();
    }
}
