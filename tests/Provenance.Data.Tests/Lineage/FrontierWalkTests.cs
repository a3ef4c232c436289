using Npgsql;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Lineage;
using Provenance.Data.Datasets;
using Provenance.Data.Lineage;
using Provenance.Testing;

namespace Provenance.Data.Tests.Lineage;

/// <summary>
/// The frontier walk on a lattice where every document of a layer derives from every document of the layer above, so
/// each ancestor is reached by hundreds of paths of different lengths, plus one shortcut from the focus to the root.
/// </summary>
public class FrontierWalkTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    const int Width = 6;

    /// <summary>root ← L4 ← L3 ← L2 ← L1 ← focus (each layer from all of the one above), and focus ← root directly.</summary>
    sealed record Lattice(long Root, long[][] Layers, long Focus)
    {
        /// <summary>Layer k (1 = the focus's parents) is k generations up; the root, by the shortcut, 1.</summary>
        public Dictionary<long, int> Levels()
        {
            var levels = new Dictionary<long, int> { [Focus] = 0, [Root] = -1 };
            for (var i = 0; i < Layers.Length; i++)
            {
                foreach (var id in Layers[i])
                {
                    levels[id] = -(i + 1);
                }
            }
            return levels;
        }
    }

    async Task<Lattice> LatticeAsync()
    {
        var crawler = registry.Client("crawler");
        var root = (await crawler.RegisterAsync(TestDocuments.UniqueText("lattice root"), "human")).Id;
        var above = new[] { root };
        var layers = new List<long[]>();
        for (var k = 4; k >= 1; k--)
        {
            var layer = new long[Width];
            for (var i = 0; i < Width; i++)
            {
                layer[i] = (await crawler.RegisterAsync(TestDocuments.UniqueText($"lattice layer {k}"), "synthetic", "lattice-model@1",
                    [.. above.Select(p => new ParentReferenceRequest(p, Relation: "paraphrase_of"))])).Id;
            }
            layers.Insert(0, layer);
            above = layer;
        }
        var focus = (await crawler.RegisterAsync(TestDocuments.UniqueText("lattice focus"), "synthetic", "lattice-model@1",
            [.. above.Append(root).Select(p => new ParentReferenceRequest(p, Relation: "summary_of"))])).Id;
        return new Lattice(root, [.. layers], focus);
    }

    LineageQueries Queries(int nodeLimit = LineageQueries.MaxNodes) => new(registry.GetService<NpgsqlDataSource>()) { NodeLimit = nodeLimit };

    [Fact]
    public async Task EveryAncestorOfADiamondHeavyGraphComesOnceAtItsShortestDistance()
    {
        var lattice = await LatticeAsync();

        var ancestors = await Queries().WalkAsync(lattice.Focus, LineageDirection.Ancestors, 32, null, CancellationToken.None);
        var descendants = await Queries().WalkAsync(lattice.Root, LineageDirection.Descendants, 32, null, CancellationToken.None);
        var roots = await Queries().RootsAsync(lattice.Focus, CancellationToken.None);

        Assert.Equal(lattice.Levels().OrderBy(l => l.Key), ancestors.Nodes.Select(n => KeyValuePair.Create(n.Id, n.Level)).OrderBy(l => l.Key));
        Assert.Equal(Width + 1 + (Width * Width * 3) + Width, ancestors.Edges.Count);
        Assert.False(ancestors.Truncated);
        Assert.Equal(1 + (4 * Width) + 1, descendants.Nodes.Count);
        Assert.Equal(1, descendants.Nodes.Single(n => n.Id == lattice.Focus).Level);
        Assert.All(lattice.Layers[0], id => Assert.Equal(4, descendants.Nodes.Single(n => n.Id == id).Level));
        Assert.Equal(lattice.Root, Assert.Single(roots.Roots).Id);
        Assert.Equal(-1, roots.Roots[0].Level);
        Assert.Empty(roots.Unanchored);
        Assert.False(roots.Truncated);
    }

    [Fact]
    public async Task AWalkIsTruncatedOnlyWhenMaxDepthLeavesADocumentOut()
    {
        var lattice = await LatticeAsync();

        var three = await Queries().WalkAsync(lattice.Focus, LineageDirection.Ancestors, 3, null, CancellationToken.None);
        var four = await Queries().WalkAsync(lattice.Focus, LineageDirection.Ancestors, 4, null, CancellationToken.None);

        Assert.True(three.Truncated);
        Assert.DoesNotContain(three.Nodes, n => lattice.Layers[3].Contains(n.Id));
        // Layer 4, the last generation read, has parents, but the only one is the root, already in the graph by the shortcut.
        Assert.False(four.Truncated);
        Assert.Equal(lattice.Levels().Count, four.Nodes.Count);
    }

    [Fact]
    public async Task AtTheNodeLimitTheWalkKeepsTheNearestNodesSmallestIdFirstAndSaysItWasTruncated()
    {
        var lattice = await LatticeAsync();
        var all = lattice.Levels().Count;

        var exact = await Queries(nodeLimit: all).WalkAsync(lattice.Focus, LineageDirection.Ancestors, 32, null, CancellationToken.None);
        var cut = await Queries(nodeLimit: 10).WalkAsync(lattice.Focus, LineageDirection.Ancestors, 32, null, CancellationToken.None);
        var oneShort = await Queries(nodeLimit: all - 1).WalkAsync(lattice.Focus, LineageDirection.Ancestors, 32, null, CancellationToken.None);
        var roots = await Queries(nodeLimit: 3).RootsAsync(lattice.Focus, CancellationToken.None);

        Assert.Equal(all, exact.Nodes.Count);
        Assert.False(exact.Truncated);
        Assert.True(cut.Truncated);
        Assert.Equal(new[] { lattice.Focus, lattice.Root }.Concat(lattice.Layers[0]).Concat(lattice.Layers[1].Order().Take(2)).Order(),
            cut.Nodes.Select(n => n.Id).Order());
        Assert.True(oneShort.Truncated);
        Assert.Equal(all - 1, oneShort.Nodes.Count);
        Assert.True(roots.Truncated);
    }

    [Fact]
    public async Task HumanRootsOfManyCandidatesAreGatheredFromOneWalk()
    {
        var lattice = await LatticeAsync();
        await using var conn = await registry.GetService<NpgsqlDataSource>().OpenConnectionAsync();

        var roots = await CandidateChecks.HumanRootsAsync(conn, [lattice.Focus, lattice.Layers[1][0], lattice.Layers[3][5], lattice.Root], CancellationToken.None);

        Assert.Equal(new[] { lattice.Focus, lattice.Layers[1][0], lattice.Layers[3][5] }.Order(), roots.Keys.Order());
        Assert.All(roots.Values, r => Assert.Equal([lattice.Root], r));
    }

    [Fact]
    public async Task DeepWalksPlanTheirLevelQueryOnceNotEveryTime()
    {
        var crawler = registry.Client("crawler");
        var chain = new List<long> { (await crawler.RegisterAsync(TestDocuments.UniqueText("chain root"), "human")).Id };
        for (var i = 1; i <= 12; i++)
        {
            chain.Add((await crawler.RegisterAsync(TestDocuments.UniqueText($"chain link {i}"), "synthetic", "chain-model@1",
                [new ParentReferenceRequest(chain[^1], Relation: "paraphrase_of")])).Id);
        }
        await using var conn = await registry.GetService<NpgsqlDataSource>().OpenConnectionAsync();

        // Walks from the last six links (7 to 12 generations), four generations a statement: 2 statements for 7
        // generations, 3 for 8 to 11 (the one past the root included), 4 for 12; 18 in all.
        foreach (var start in chain.TakeLast(6))
        {
            var frontier = new Frontier(conn, FrontierStep.Parents);
            var truncated = await frontier.WalkAsync([start], 32, LineageQueries.MaxNodes, onward: null, CancellationToken.None);
            Assert.False(truncated);
            Assert.Equal(Enumerable.Range(0, chain.IndexOf(start) + 1).Reverse(), chain.Take(chain.IndexOf(start) + 1).Select(id => frontier.Distances[id]));
        }

        // PostgreSQL tries five custom plans before it settles on the generic one, and keeps planning every execution
        // afresh when a custom plan looks cheaper; over a hash-partitioned table each such plan cost ten times the level's
        // execution. The level statement must have run on the generic plan since its first five executions.
        await using var plans = new NpgsqlCommand("""
            SELECT coalesce(max(custom_plans), 0), coalesce(sum(generic_plans), 0)
              FROM pg_prepared_statements WHERE statement LIKE '%lineage_edges e%' AND statement LIKE '%parent_id%ORDER BY 1%'
            """, conn);
        await using var reader = await plans.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.InRange(reader.GetInt64(0), 0, 5);
        Assert.InRange(reader.GetInt64(1), 18 - 5, long.MaxValue);
    }
}
