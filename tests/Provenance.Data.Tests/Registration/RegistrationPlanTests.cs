using Provenance.Data.Registration;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using static Provenance.Data.Tests.Registration.PlanItems;

namespace Provenance.Data.Tests.Registration;

/// <summary>Which path each item of a batch takes, and the other decisions registration makes without a database.</summary>
public class RegistrationPlanTests
{
    static readonly HashSet<ContentHash> None = [];

    static HashSet<ContentHash> Set(params string[] texts) => [.. texts.Select(Hash)];

    [Fact]
    public void NewTextsWithoutLineageAreCopiedDirectlyInContentHashOrder()
    {
        RegistrationItem[] items = [Item(0, "first new text"), Item(1, "second new text", uri: "https://www.example.org/a"), Item(2, "third new text")];

        var plan = RegistrationPlan.Make(items, None, None, direct: true);

        Assert.Equal(items.Select(i => i.S.Hash).OrderBy(h => h.ToString()), plan.Direct.Select(d => d.Item.S.Hash));
        Assert.Equal("example.org", plan.Direct.Single(d => d.Item.Index == 1).Domain);
        Assert.Empty(plan.Staged);
        Assert.False(plan.ChangesExisting);
    }

    [Fact]
    public void WithoutDirectCopyEveryNewTextIsMergedTogether()
    {
        RegistrationItem[] items = [Item(0, "first new text"), Item(1, "second new text")];

        var plan = RegistrationPlan.Make(items, None, None, direct: false);

        Assert.Empty(plan.Direct);
        Assert.Equal(items, plan.Together);
        Assert.Empty(plan.OneByOne);
    }

    [Fact]
    public void ATextSentTwiceAnExistingTextATextAPendingEdgeWaitsForAndAnOddUriGoThroughTheMerge()
    {
        RegistrationItem[] items =
        [
            Item(0, "twice"), Item(1, "twice"), Item(2, "already registered"), Item(3, "awaited by a pending edge"),
            Item(4, "odd uri", uri: "https://user@example.org/"), Item(5, "plain new text"),
        ];

        var plan = RegistrationPlan.Make(items, Set("already registered"), Set("awaited by a pending edge"), direct: true);

        Assert.Equal([5], plan.Direct.Select(d => d.Item.Index));
        Assert.Equal([0, 1, 2, 3, 4], plan.Together.Select(i => i.Index));
        Assert.Empty(plan.OneByOne);
    }

    [Fact]
    public void ItemsThatMayCloseACycleAreWrittenOneByOneAndTheRestTogether()
    {
        RegistrationItem[] items =
        [
            Item(0, "new child of an old parent", parents: ById(7)),
            Item(1, "old document, new parent", parents: ById(7)),
            Item(2, "child inside the batch", parents: ByHash("new child of an old parent")),
            Item(3, "awaited, with parents", parents: ById(7)),
            Item(4, "new child of an old parent", parents: ById(8)),
        ];

        var plan = RegistrationPlan.Make(items, Set("old document, new parent"), Set("awaited, with parents"), direct: true);

        Assert.Empty(plan.Direct);
        Assert.Equal([0], plan.Together.Select(i => i.Index));
        Assert.Equal([1, 2, 3, 4], plan.OneByOne.Select(i => i.Index));
        Assert.True(plan.ChangesExisting);
    }

    [Fact]
    public void OnlyWritesThatMayChangeAnExistingDocumentNeedTheExclusiveLineageLock()
    {
        var declared = new DeclaredProvenance("human");
        var newOnes = RegistrationPlan.Make([Item(0, "new", declared: declared), Item(1, "old")], Set("old"), None, direct: true);
        var redeclared = RegistrationPlan.Make([Item(0, "old", declared: declared)], Set("old"), None, direct: true);
        var awaited = RegistrationPlan.Make([Item(0, "awaited")], None, Set("awaited"), direct: true);

        Assert.False(newOnes.ChangesExisting);
        Assert.True(redeclared.ChangesExisting);
        Assert.True(awaited.ChangesExisting);
    }

    [Fact]
    public void BucketsAreLockedOnceInAscendingOrderExclusiveWhereAnEdgeWillWait()
    {
        var documents = new[] { "a", "b", "c", "d", "e" }.Select(Hash).ToList();
        var pending = new[] { Hash("b"), Hash("f") };

        var buckets = RegistrationPlan.LockBuckets([.. documents, documents[0]], pending);

        Assert.Equal(documents.Concat(pending).Select(h => (int)h.Bytes[0]).Distinct().Order(), buckets.Select(b => b.Bucket));
        Assert.All(buckets, b => Assert.Equal(pending.Any(p => p.Bytes[0] == b.Bucket), b.Exclusive));
    }

    [Fact]
    public void AnItemNamingAnUnregisteredParentIdIsRejectedAndNamesThatParent()
    {
        var results = new RegistrationResult?[3];
        List<RegistrationItem> items = [Item(0, "fine", parents: ById(1)), Item(1, "orphan", parents: [ById(1), ById(99)]), Item(2, "no parents")];

        var live = RegistrationPlan.WithKnownParents(items, new HashSet<long> { 1 }, results);

        Assert.Equal([0, 2], live.Select(i => i.Index));
        Assert.Equal(RejectionCode.UnknownParent, results[1]!.Code);
        Assert.Contains("parents[1].id 99", results[1]!.Reason);
        Assert.Equal(Hash("orphan"), results[1]!.Hash);
        Assert.Equal([1L, 99L], RegistrationPlan.ParentIds(items).Order());
    }

    [Fact]
    public void ANullOrInvalidSubmissionIsRejectedAsInvalidAndTheOthersGoOn()
    {
        var results = new RegistrationResult?[3];

        var items = RegistrationPlan.Validate([new DocumentSubmission("fine"), null!, new DocumentSubmission("   ")], "key",
            new SubmissionLimits(), DateTimeOffset.UtcNow, results);

        Assert.Equal([0], items.Select(i => i.Index));
        Assert.Equal("key", items[0].Registrant);
        Assert.Equal(RejectionCode.Invalid, results[1]!.Code);
        Assert.Equal(RejectionCode.Invalid, results[2]!.Code);
        Assert.Null(results[0]);
    }

    [Fact]
    public void OnlyTheFirstItemOfATextTheBatchCreatedIsAnsweredCreated()
    {
        RegistrationItem[] items = [Item(0, "new"), Item(1, "old"), Item(2, "new"), Item(3, "rejected meanwhile")];
        var results = new RegistrationResult?[4];
        results[3] = RegistrationResult.Rejected(3, RejectionCode.Cycle, "a cycle");
        var state = new Dictionary<ContentHash, DocumentState>
        {
            [Hash("new")] = new(10, ProvenanceClass.Synthetic, 1, 0),
            [Hash("old")] = new(5, ProvenanceClass.Unknown, null, 2),
        };

        RegistrationPlan.Answer(items, results, state, new HashSet<long> { 10 });

        Assert.Equal([RegistrationStatus.Created, RegistrationStatus.Existing, RegistrationStatus.Existing, RegistrationStatus.Rejected],
            results.Select(r => r!.Status));
        Assert.Equal((10L, ProvenanceClass.Synthetic, (int?)1), (results[2]!.Id!.Value, results[2]!.Class!.Value, results[2]!.Depth));
        Assert.Equal(2, results[1]!.PendingParents);
    }
}
