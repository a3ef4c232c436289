using FsCheck;
using FsCheck.Fluent;
using Provenance.Testing;
using Provenance.Data.Assertions;
using Provenance.Domain.Assertions;

namespace Provenance.Api.Tests.Assertions;

/// <summary>The class the registry stores is the one the written precedence rule derives, for any history.</summary>
public class PrecedencePropertyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    static readonly Gen<(AssertionKind Kind, ProvenanceClass Class)> OneAssertion =
        Gen.Elements(Enum.GetValues<AssertionKind>()).Zip(Gen.Elements(Enum.GetValues<ProvenanceClass>()));

    [Fact]
    public void TheStoredClassFollowsThePrecedenceRuleForAnyHistory()
    {
        var crawler = registry.Client("crawler");
        var writer = registry.GetService<AssertionWriter>();

        Properties.Check(Gen.NonEmptyListOf(OneAssertion).Select(l => l.Take(8).ToList()), history =>
        {
            var doc = crawler.RegisterAsync(TestDocuments.UniqueText()).GetAwaiter().GetResult();
            var facts = new List<AssertionFacts>();
            foreach (var (kind, cls) in history)
            {
                // One transaction per assertion, like separate curators, crawlers and detector runs.
                var appended = writer.AppendAsync([new NewAssertion(doc.Id, kind, $"{kind}-agent", cls)], CancellationToken.None)
                    .GetAwaiter().GetResult().Single();
                facts.Add(new AssertionFacts(appended.Id, kind, cls, appended.AssertedAt));
                if (appended.CurrentClass != ProvenancePrecedence.CurrentClass(facts))
                {
                    return false;
                }
            }
            return true;
        });
    }
}
