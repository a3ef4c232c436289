using Provenance.Contracts.Datasets;

namespace Provenance.Contracts.Webhooks;

/// <summary>
/// The webhook event types: what a subscription lists, and, under <see cref="CloudEventsPrefix"/>, the CloudEvents
/// <c>type</c> of what it receives. Each type's <c>data</c> is the record named after it in this file.
/// </summary>
public static class WebhookEventTypes
{
    /// <summary>A dataset version was stored (<see cref="DatasetVersionCreated"/>).</summary>
    public const string DatasetVersionCreated = "dataset.version.created";

    /// <summary>An assertion changed a document's current class (<see cref="DocumentClassChanged"/>).</summary>
    public const string DocumentClassChanged = "document.class.changed";

    /// <summary>Documents held by a stored dataset version changed class (<see cref="DatasetBaseReclassified"/>).</summary>
    public const string DatasetBaseReclassified = "dataset.base.reclassified";

    /// <summary>CloudEvents types are reverse-DNS prefixed, as the specification recommends: <c>io.provenance.dataset.version.created</c>.</summary>
    public const string CloudEventsPrefix = "io.provenance.";

    public static readonly IReadOnlyList<string> All = [DatasetVersionCreated, DocumentClassChanged, DatasetBaseReclassified];
}

/// <summary>The <c>data</c> of <c>dataset.version.created</c>; the event's subject is <c>datasets/{dataset}/versions/{version}</c>.</summary>
/// <param name="Id">The version's id, as <c>/v1/datasets/{id}</c> takes it.</param>
/// <param name="Unit">What <see cref="ClassShare.Share"/> is measured in: documents or tokens, as the spec said.</param>
/// <param name="Classes">The version's documents by the class each counts as, base included.</param>
/// <param name="Base">The version it accumulates on, if any.</param>
public sealed record DatasetVersionCreated(
    long Id,
    string Dataset,
    int Version,
    string ManifestHash,
    long Documents,
    long Tokens,
    string Unit,
    IReadOnlyList<ClassShare> Classes,
    DatasetBaseReference? Base);

/// <param name="Share">This class's part of the version, in the version's unit, from 0 to 1.</param>
public sealed record ClassShare(string Class, long Documents, long Tokens, double Share);

/// <summary>The <c>data</c> of <c>document.class.changed</c>; the event's subject is <c>documents/{documentId}</c>.</summary>
/// <param name="ContentHash">The SHA-256 of the document's normalized text, hex.</param>
/// <param name="From">The class before the assertion.</param>
/// <param name="To">The class after it.</param>
/// <param name="DecidedBy">The assertion that now decides the class; null when none stands and the document is back to unknown.</param>
public sealed record DocumentClassChanged(long DocumentId, string ContentHash, string From, string To, DecidingAssertion? DecidedBy);

/// <param name="Kind">self_declared, curator, detector or inherited.</param>
/// <param name="AssertedBy">Who made it: the curator's or the detector model's name.</param>
public sealed record DecidingAssertion(long Id, string Kind, string AssertedBy);

/// <summary>
/// The <c>data</c> of <c>dataset.base.reclassified</c>: documents this stored version holds changed class in one
/// transaction, so what the version means for training changed (its manifest stays as it was). The subject is
/// <c>datasets/{dataset}/versions/{version}</c>.
/// </summary>
/// <param name="ChangedDocuments">How many of the version's documents changed class in that transaction.</param>
/// <param name="DocumentIds">The first of them by id, at most <see cref="MaxListed"/>; each also has its own <c>document.class.changed</c>.</param>
public sealed record DatasetBaseReclassified(long Id, string Dataset, int Version, string ManifestHash, long ChangedDocuments, IReadOnlyList<long> DocumentIds)
{
    public const int MaxListed = 100;
}
