using System.Net.Http.Json;
using FsCheck;
using FsCheck.Fluent;
using Provenance.Testing;
using Provenance.Contracts.Documents;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Lineage;

namespace Provenance.Api.Tests.Lineage;

/// <summary>
/// For any lineage DAG registered in any order, one document per request or all in one batch, the stored depth
/// of every document is the one <see cref="GenerationDepth"/> gives, and no edge is left pending.
/// </summary>
public class DepthPropertyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    public sealed record Node(ProvenanceClass Class, int[] Parents)
    {
        public override string ToString() => $"{WireNames.Of(Class)}<-[{string.Join(",", Parents)}]";
    }

    /// <summary>Printed in full when FsCheck reports a counterexample.</summary>
    public sealed record Scenario(Node[] Nodes, int[] Order, bool AsBatch)
    {
        public override string ToString() =>
            $"nodes {string.Join(" ", Nodes.Select((n, i) => $"{i}:{n}"))}; order {string.Join(",", Order)}; {(AsBatch ? "one batch" : "one request each")}";
    }

    static readonly Gen<Scenario> Scenarios =
        from n in Gen.Choose(1, 8)
        from nodes in Gen.CollectToArray(Enumerable.Range(0, n), i =>
            from cls in Gen.Elements(ProvenanceClass.Human, ProvenanceClass.Synthetic, ProvenanceClass.Mixed, ProvenanceClass.Unknown)
            from parents in i == 0 ? Gen.Constant(Array.Empty<int>()) : Gen.SubListOf(Enumerable.Range(0, i)).Select(p => p.Take(3).ToArray())
            select new Node(cls, parents))
        from order in Gen.Shuffle(Enumerable.Range(0, n))
        from batch in Gen.Elements(true, false)
        select new Scenario(nodes, order, batch);

    static int? ExpectedDepth(Node[] nodes, int i) =>
        GenerationDepth.Of(nodes[i].Class, [.. nodes[i].Parents.Select(p => ExpectedDepth(nodes, p))], hasPendingParents: false);

    [Fact]
    public void DepthIsOnePlusTheDeepestParentWhateverTheRegistrationOrder()
    {
        var crawler = registry.Client("crawler");

        Properties.Check(Scenarios, scenario =>
        {
            var run = Guid.NewGuid().ToString("N");
            var texts = scenario.Nodes.Select((_, i) => $"node {i} of run {run}").ToArray();
            RegisterDocumentRequest Request(int i) => new(texts[i],
                Declared: scenario.Nodes[i].Class == ProvenanceClass.Unknown ? null : new DeclaredProvenanceRequest(WireNames.Of(scenario.Nodes[i].Class)),
                Parents: [.. scenario.Nodes[i].Parents.Select(p => new ParentReferenceRequest(ContentHash: TestDocuments.HashOf(texts[p]), Relation: "generated_from"))]);

            if (scenario.AsBatch)
            {
                crawler.PostAsJsonAsync("/v1/documents/batch", new RegisterDocumentsRequest([.. scenario.Order.Select(Request)]))
                    .GetAwaiter().GetResult().EnsureSuccessStatusCode();
            }
            else
            {
                foreach (var i in scenario.Order)
                {
                    crawler.RegisterAsync(Request(i)).GetAwaiter().GetResult();
                }
            }

            var reader = registry.Client("curator");
            for (var i = 0; i < texts.Length; i++)
            {
                var doc = reader.GetJsonAsync<DocumentResponse>($"/v1/documents/{TestDocuments.HashOf(texts[i])}").GetAwaiter().GetResult();
                if (doc.Depth != ExpectedDepth(scenario.Nodes, i) || doc.PendingParents.Count != 0 || doc.Parents.Count != scenario.Nodes[i].Parents.Length)
                {
                    return false;
                }
            }
            return true;
        }, maxTest: 40);
    }
}
