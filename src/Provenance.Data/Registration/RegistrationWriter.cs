using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Npgsql;
using Provenance.Data.Derived;
using Provenance.Domain.Documents;
using static Provenance.Data.Registration.RegistrationQueries;

namespace Provenance.Data.Registration;

/// <summary>
/// Registers documents: the registry's main write path, shared by <c>POST /v1/documents</c>, the batch endpoint
/// and the bus consumer. It works set-based (binary COPY, then one merge statement per table) because crawlers
/// send tens of thousands of documents a second and per-row EF inserts cannot keep up.
/// </summary>
/// <remarks>
/// <para>A batch behaves as if its items were registered one after another, in order, and it commits the valid
/// items even when others are rejected. Re-registering a text adds a sighting, never a second document.</para>
/// <para>The <see cref="RegistrationPlan"/> sends each item down one path: new texts without lineage by
/// <see cref="NewDocumentCopy"/>; the rest through the <see cref="StagedMerge"/>, together where no item can close a
/// lineage cycle, otherwise one at a time under the <see cref="CycleGuard"/> and the exclusive lineage lock.</para>
/// <para>Pending edges are guarded by advisory locks on 256 buckets of the content hash: writers of new documents
/// hold their buckets shared, writers of pending edges hold theirs exclusive. So a document and an edge pending
/// on it can never pass each other unseen in two concurrent transactions.</para>
/// </remarks>
public sealed partial class RegistrationWriter(
    NpgsqlDataSource dataSource, SubmissionLimits limits, TimeProvider clock, ILogger<RegistrationWriter> logger)
{
    /// <summary>
    /// When true (the default), new documents without parents that no pending edge waits for are written by binary
    /// COPY straight into the registry's tables instead of through the staged merge (see <see cref="NewDocumentCopy"/>).
    /// Both give the same rows; false routes everything through the merge.
    /// </summary>
    public bool DirectCopyOfNewDocuments { get; init; } = true;

    /// <summary>Registers <paramref name="submissions"/> on behalf of <paramref name="registrant"/> (the key or crawler name).</summary>
    public async Task<IReadOnlyList<RegistrationResult>> RegisterAsync(
        IReadOnlyList<DocumentSubmission> submissions, string registrant, CancellationToken ct)
    {
        // The whole call (validation and token counting included), then one registration.write span per attempt.
        using var span = RegistryTelemetry.Source.StartActivity("registration");
        span?.SetTag("provenance.documents", submissions.Count);
        var started = Stopwatch.GetTimestamp();
        var results = new RegistrationResult?[submissions.Count];
        var items = RegistrationPlan.Validate(submissions, registrant, limits, clock.GetUtcNow(), results);
        span?.SetTag("provenance.rejected", submissions.Count - items.Count);
        if (items.Count > 0)
        {
            await WriteAsync(items, results, ct);
        }
        RegistryTelemetry.RecordRegistration(results!, Stopwatch.GetElapsedTime(started));
        return results!;
    }

    async Task WriteAsync(List<RegistrationItem> items, RegistrationResult?[] results, CancellationToken ct)
    {
        var direct = DirectCopyOfNewDocuments;
        await TransientRetry.RunAsync(async () =>
        {
            while (true)
            {
                foreach (var item in items)
                {
                    results[item.Index] = null;
                }
                try
                {
                    await RegisterValidAsync(items, results, direct, ct);
                    return;
                }
                catch (PostgresException e) when (direct && e.SqlState == PostgresErrorCodes.UniqueViolation
                                                   && Partitioning.IsTableOrPartition(e.TableName, "document_hashes"))
                {
                    // Another writer registered one of these texts first; the staged merge handles that.
                    LogDirectCopyConflict(logger, items.Count);
                    direct = false;
                }
            }
        }, logger, ct);
    }

    async Task RegisterValidAsync(List<RegistrationItem> items, RegistrationResult?[] results, bool direct, CancellationToken ct)
    {
        // One span per attempt: the transaction, with the COPY and merge spans (and Npgsql's command spans) inside it.
        using var span = RegistryTelemetry.Source.StartActivity("registration.write");
        span?.SetTag("provenance.documents", items.Count);
        span?.SetTag("provenance.direct_copy", direct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var live = RegistrationPlan.WithKnownParents(items, await KnownIdsAsync(conn, RegistrationPlan.ParentIds(items), ct), results);
        var hashes = live.Select(i => i.S.Hash).Distinct().ToArray();
        var parentHashes = RegistrationPlan.ParentHashes(live);
        var missingParents = parentHashes.Except(await ExistingHashesAsync(conn, parentHashes, ct));
        await AdvisoryLocks.ContentHashBucketsAsync(conn, RegistrationPlan.LockBuckets(hashes, missingParents), ct);

        // Under the bucket locks the answers below cannot change until we commit.
        var plan = RegistrationPlan.Make(live, await ExistingHashesAsync(conn, hashes, ct), await PendingTargetsAsync(conn, hashes, ct), direct);
        await AdvisoryLocks.LineageAsync(conn, exclusive: plan.ChangesExisting, ct);

        var effects = new RegistrationEffects();
        var state = await NewDocumentCopy.InsertAsync(conn, plan.Direct, effects, ct);
        var staged = plan.Staged.Select(i => i.S.Hash).Distinct().ToArray();
        if (staged.Length > 0)
        {
            await StagedMerge.CreateStagingAsync(conn, ct);
        }
        if (plan.Together.Count > 0)
        {
            await StagedMerge.WriteAsync(conn, plan.Together, effects, ct);
        }
        await CycleGuard.WriteEachAsync(conn, tx, plan.OneByOne, effects, results, ct);

        await DerivedState.RefreshClassesAsync(conn, effects.ClassChanged, ct);
        await DerivedState.RefreshDepthsAsync(conn, effects.DepthChanged, ct);
        if (staged.Length > 0)
        {
            foreach (var (hash, s) in await StateAsync(conn, staged, ct))
            {
                state[hash] = s;
            }
        }
        await tx.CommitAsync(ct);
        RegistrationPlan.Answer(live, results, state, effects.Created);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A concurrent writer registered some of {Count} texts first; writing the batch through the staged merge")]
    static partial void LogDirectCopyConflict(ILogger logger, int count);
}
