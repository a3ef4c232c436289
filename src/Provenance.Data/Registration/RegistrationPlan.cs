using Provenance.Domain.Assertions;
using Provenance.Domain.Datasets;
using Provenance.Domain.Documents;
using Provenance.Text.Tokens;

namespace Provenance.Data.Registration;

/// <summary>One valid item of a batch: its position, the submission in canonical form, and who registers it.</summary>
internal sealed record RegistrationItem(int Index, ValidSubmission S, int TokenCount, string Registrant);

/// <summary>An item for the direct COPY path, with the source domain of its URI.</summary>
internal readonly record struct DirectDocument(RegistrationItem Item, string? Domain);

/// <summary>What one registration left stored for a text: the answer's id, class, depth and pending parents.</summary>
internal readonly record struct DocumentState(long Id, ProvenanceClass Class, int? Depth, int Pending);

/// <summary>
/// Which write path each item of a batch takes, decided from what the database said under the bucket locks and
/// nothing else; <see cref="RegistrationWriter"/> carries it out. The steps before and after the writes that need
/// no database (validation, rejecting unknown parents, which buckets to lock, the answers) live here too.
/// </summary>
/// <param name="Direct">New texts without lineage, for the direct COPY path, in content-hash order.</param>
/// <param name="Together">Items the staged merge writes together, set-based: they cannot close a cycle.</param>
/// <param name="OneByOne">
/// Items that may close a lineage cycle (new parents for an existing document, a document that resolves pending
/// edges and also has parents, parents inside the same batch), written one at a time by the cycle guard.
/// </param>
/// <param name="ChangesExisting">Whether the batch may change the class or depth of a document that already exists.</param>
internal sealed record RegistrationPlan(
    IReadOnlyList<DirectDocument> Direct,
    IReadOnlyList<RegistrationItem> Together,
    IReadOnlyList<RegistrationItem> OneByOne,
    bool ChangesExisting)
{
    /// <summary>Every item that goes through the staging tables.</summary>
    public IEnumerable<RegistrationItem> Staged => Together.Concat(OneByOne);

    /// <summary>Validates <paramref name="submissions"/>; each invalid one gets its answer in <paramref name="results"/>.</summary>
    public static List<RegistrationItem> Validate(IReadOnlyList<DocumentSubmission> submissions, string registrant,
        SubmissionLimits limits, DateTimeOffset now, RegistrationResult?[] results)
    {
        var items = new RegistrationItem?[submissions.Count];
        // Token counting dominates validation on large batches; it is pure CPU, so spread it over the cores.
        Parallel.For(0, submissions.Count, new ParallelOptions { MaxDegreeOfParallelism = submissions.Count < 64 ? 1 : -1 }, i =>
        {
            if (submissions[i] is null)
            {
                results[i] = RegistrationResult.Rejected(i, RejectionCode.Invalid, "item is null.");
            }
            else if (SubmissionValidator.TryValidate(submissions[i], limits, now, out var valid, out var error))
            {
                items[i] = new RegistrationItem(i, valid, TokenCounter.Count(valid.Text), valid.Crawler ?? registrant);
            }
            else
            {
                results[i] = RegistrationResult.Rejected(i, RejectionCode.Invalid, error!);
            }
        });
        return [.. items.OfType<RegistrationItem>()];
    }

    /// <summary>The parents that <paramref name="items"/> name by id.</summary>
    public static long[] ParentIds(IEnumerable<RegistrationItem> items) =>
        [.. items.SelectMany(i => i.S.Parents).Where(p => p.Id is not null).Select(p => p.Id!.Value).Distinct()];

    /// <summary>The parents that <paramref name="items"/> name by content hash.</summary>
    public static ContentHash[] ParentHashes(IEnumerable<RegistrationItem> items) =>
        [.. items.SelectMany(i => i.S.Parents).Where(p => p.Hash is not null).Select(p => p.Hash!.Value).Distinct()];

    /// <summary>
    /// The items whose parents named by id are all <paramref name="known"/>; each other one is rejected in
    /// <paramref name="results"/>, naming its first unknown parent.
    /// </summary>
    public static List<RegistrationItem> WithKnownParents(List<RegistrationItem> items, IReadOnlySet<long> known, RegistrationResult?[] results)
    {
        var live = new List<RegistrationItem>(items.Count);
        foreach (var item in items)
        {
            var k = item.S.Parents.ToList().FindIndex(p => p.Id is { } id && !known.Contains(id));
            if (k < 0)
            {
                live.Add(item);
                continue;
            }
            results[item.Index] = RegistrationResult.Rejected(item.Index, RejectionCode.UnknownParent,
                $"parents[{k}].id {item.S.Parents[k].Id} is not a registered document; register the parent first, or name it by contentHash to keep the edge pending until it arrives.",
                item.S.Hash);
        }
        return live;
    }

    /// <summary>
    /// The content-hash buckets to lock, in ascending order so that two writers always queue in the same order and
    /// cannot deadlock: shared for the batch's documents, exclusive where a pending edge will wait on a parent.
    /// </summary>
    public static List<(int Bucket, bool Exclusive)> LockBuckets(IEnumerable<ContentHash> documents, IEnumerable<ContentHash> pendingParents)
    {
        var exclusive = pendingParents.Select(AdvisoryLocks.BucketOf).ToHashSet();
        return [.. documents.Select(AdvisoryLocks.BucketOf).Concat(exclusive).Distinct().Order().Select(b => (b, exclusive.Contains(b)))];
    }

    /// <summary>
    /// Decides the paths of <paramref name="live"/>, given which of its texts are <paramref name="existing"/> and
    /// which are <paramref name="pendingTargets"/> (a pending edge waits for them).
    /// </summary>
    /// <param name="direct">Whether new texts without lineage may take the direct COPY path.</param>
    public static RegistrationPlan Make(IReadOnlyList<RegistrationItem> live, IReadOnlySet<ContentHash> existing,
        IReadOnlySet<ContentHash> pendingTargets, bool direct)
    {
        var fresh = direct ? NewDocumentsWithoutLineage(live, existing, pendingTargets) : [];
        var inBatch = live.Select(i => i.S.Hash).ToHashSet();
        var seen = new HashSet<ContentHash>();
        List<RegistrationItem> together = [], oneByOne = [];
        foreach (var item in live.Where(i => !fresh.ContainsKey(i.S.Hash)))
        {
            var existed = existing.Contains(item.S.Hash) | !seen.Add(item.S.Hash);
            var mayCloseCycle = item.S.Parents.Count > 0 && (existed || pendingTargets.Contains(item.S.Hash)
                || item.S.Parents.Any(p => p.Hash is { } h && inBatch.Contains(h)));
            (mayCloseCycle ? oneByOne : together).Add(item);
        }

        // Adding new documents cannot change an existing document's class or depth; anything else can, and then
        // must not overlap with other writers (see DerivedState).
        var changesExisting = oneByOne.Count > 0 || pendingTargets.Count > 0
            || together.Any(i => i.S.Declared is not null && existing.Contains(i.S.Hash));
        // In content-hash order, like the merge: two writers that meet on the unique index then wait in one order.
        var rows = fresh.Values.ToList();
        rows.Sort((a, b) => a.Item.S.Hash.Bytes.SequenceCompareTo(b.Item.S.Hash.Bytes));
        return new RegistrationPlan(rows, together, oneByOne, changesExisting);
    }

    /// <summary>The items that can take the direct path, with the source domain of each one's URI.</summary>
    static Dictionary<ContentHash, DirectDocument> NewDocumentsWithoutLineage(
        IReadOnlyList<RegistrationItem> live, IReadOnlySet<ContentHash> existing, IReadOnlySet<ContentHash> pendingTargets)
    {
        var occurrences = new Dictionary<ContentHash, int>(live.Count);
        foreach (var item in live)
        {
            occurrences[item.S.Hash] = occurrences.GetValueOrDefault(item.S.Hash) + 1;
        }
        var fresh = new Dictionary<ContentHash, DirectDocument>(live.Count);
        foreach (var item in live)
        {
            // A text sent twice in one batch, or with a URI whose domain only SQL can judge, goes through the merge,
            // which picks its earliest sighting and computes the domain in the database.
            string? domain = null;
            if (item.S.Parents.Count == 0 && occurrences[item.S.Hash] == 1
                && !existing.Contains(item.S.Hash) && !pendingTargets.Contains(item.S.Hash)
                && (item.S.Uri is null || SourceDomain.TryFromPlainUri(item.S.Uri, out domain)))
            {
                fresh[item.S.Hash] = new DirectDocument(item, domain);
            }
        }
        return fresh;
    }

    /// <summary>
    /// Answers every item of <paramref name="live"/> not rejected meanwhile from the <paramref name="state"/> of its
    /// text: the first item of a text this batch <paramref name="created"/> is created, the others existing.
    /// </summary>
    public static void Answer(IEnumerable<RegistrationItem> live, RegistrationResult?[] results,
        IReadOnlyDictionary<ContentHash, DocumentState> state, IReadOnlySet<long> created)
    {
        var firstIndex = new Dictionary<ContentHash, int>();
        foreach (var item in live.Where(i => results[i.Index] is null))
        {
            var s = state[item.S.Hash];
            var isNew = created.Contains(s.Id) && firstIndex.TryAdd(item.S.Hash, item.Index);
            results[item.Index] = new RegistrationResult(item.Index, isNew ? RegistrationStatus.Created : RegistrationStatus.Existing,
                s.Id, item.S.Hash, s.Class, s.Depth, s.Pending);
        }
    }
}
