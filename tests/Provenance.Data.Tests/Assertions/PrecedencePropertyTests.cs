using FsCheck;
using FsCheck.Fluent;
using Provenance.Testing;
using Provenance.Data.Assertions;
using Provenance.Domain.Assertions;

namespace Provenance.Data.Tests.Assertions;

/// <summary>The class the registry stores is the one the written precedence rule derives, for any history.</summary>
public class PrecedencePropertyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    // Detectors of two models, one in two versions, so that later verdicts withdraw earlier ones of the same model only,
    // and a watermark check, which outranks both models whenever it was recorded.
    static readonly Gen<(AssertionKind Kind, ProvenanceClass Class, string Agent)> OneAssertion =
        from kind in Gen.Elements(Enum.GetValues<AssertionKind>())
        from cls in Gen.Elements(Enum.GetValues<ProvenanceClass>())
        from agent in Gen.Elements("model-a@1", "model-a@2", "model-b@1", "watermark:kirchenbauer")
        select (kind, cls, kind == AssertionKind.Detector ? agent : $"{kind}-agent");

    [Fact]
    public void TheStoredClassFollowsThePrecedenceRuleForAnyHistory()
    {
        var crawler = registry.Client("crawler");
        var writer = registry.GetService<AssertionWriter>();

        Properties.Check(Gen.NonEmptyListOf(OneAssertion).Select(l => l.Take(8).ToList()), history =>
        {
            var doc = crawler.RegisterAsync(TestDocuments.UniqueText()).GetAwaiter().GetResult();
            var facts = new List<AssertionFacts>();
            foreach (var (kind, cls, agent) in history)
            {
                // One transaction per assertion, like separate curators, crawlers and detector runs.
                var appended = writer.AppendAsync([new NewAssertion(doc.Id, kind, agent, cls)], CancellationToken.None)
                    .GetAwaiter().GetResult().Single();
                facts.Add(new AssertionFacts(appended.Id, kind, cls, appended.AssertedAt, agent));
                if (appended.CurrentClass != ProvenancePrecedence.CurrentClass(facts)
                    || appended.Effective != (ProvenancePrecedence.Effective(facts)?.Id == appended.Id))
                {
                    return false;
                }
            }
            return true;
        });
    }
}
