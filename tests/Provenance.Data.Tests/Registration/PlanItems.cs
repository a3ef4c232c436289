using Provenance.Data.Registration;
using Provenance.Domain.Documents;

namespace Provenance.Data.Tests.Registration;

/// <summary>Valid batch items for the tests of the pure parts of registration, built through the validator.</summary>
internal static class PlanItems
{
    static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static RegistrationItem Item(int index, string text, string? uri = null, DateTimeOffset? crawledAt = null,
        DeclaredProvenance? declared = null, string registrant = "crawler", params ParentReference[] parents)
    {
        var submission = new DocumentSubmission(text, uri, crawledAt, Crawler: null, declared, parents.Length == 0 ? null : parents);
        Assert.True(SubmissionValidator.TryValidate(submission, new SubmissionLimits(), Now, out var valid, out var error), error);
        return new RegistrationItem(index, valid, TokenCount: 1, registrant);
    }

    /// <summary>The hash of a text the tests write already normalized.</summary>
    public static ContentHash Hash(string text) => ContentHash.OfNormalized(text);

    public static ParentReference ByHash(string text) => new(ContentHash: Hash(text).ToString(), Relation: "generated_from");

    public static ParentReference ById(long id) => new(Id: id, Relation: "generated_from");
}
