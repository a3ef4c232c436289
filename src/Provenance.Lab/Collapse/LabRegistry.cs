using System.Diagnostics;
using Provenance.Client;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Ingestion;
using Provenance.Messaging.Ingestion;

namespace Provenance.Lab.Collapse;

/// <summary>
/// The registry as the lab uses it, through the same parts a crawler and a training job use: documents are registered
/// over the message bus (<see cref="IBatchSink"/>, batches confirmed by the registry's consumer), versions are assembled
/// and read over HTTP (<see cref="ProvenanceClient"/>).
/// </summary>
public sealed class LabRegistry(IBatchSink sink, ProvenanceClient client, string crawlerId, int batchSize = 500)
{
    /// <summary>Batches awaiting confirmation at once, as <c>provenance ingest</c> does by default.</summary>
    const int InFlight = 4;

    readonly List<double> _assemblies = [];
    long _registered;
    double _registerSeconds;

    public ProvenanceClient Client => client;

    public RegistryLoad Load => new(_registered, _registerSeconds, [.. _assemblies]);

    /// <summary>Registers <paramref name="documents"/>, returns how many were new, and how long it took.</summary>
    public async Task<(int Created, double Seconds)> RegisterAsync(IReadOnlyList<IncomingDocument> documents, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        using var gate = new SemaphoreSlim(InFlight);
        var batches = documents.Chunk(batchSize).Select(async chunk =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var answer = await sink.SendAsync(new RegisterDocuments(Guid.NewGuid(), crawlerId, chunk), ct);
                if (answer.Rejected.Count > 0)
                {
                    var first = answer.Rejected[0];
                    throw new InvalidOperationException($"the registry rejected {answer.Rejected.Count} documents of a batch, the first with {first.Code}: {first.Reason}");
                }
                return answer.Created;
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        var created = (await Task.WhenAll(batches)).Sum();
        var seconds = clock.Elapsed.TotalSeconds;
        _registered += documents.Count;
        _registerSeconds += seconds;
        return (created, seconds);
    }

    /// <summary>Assembles a version (POST /v1/datasets); a refusal is thrown as the registry's problem.</summary>
    public async Task<DatasetVersionResponse> AssembleAsync(DatasetSpec spec, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await client.AssembleDatasetAsync(spec, ct);
        }
        finally
        {
            _assemblies.Add(clock.Elapsed.TotalSeconds);
        }
    }

    /// <summary>A version's documents with their texts, in version order.</summary>
    public async Task<List<DatasetDocument>> DocumentsAsync(string versionRef, CancellationToken ct)
    {
        var documents = new List<DatasetDocument>();
        await foreach (var document in client.DatasetDocumentsAsync(versionRef, ct: ct))
        {
            documents.Add(document);
        }
        return documents;
    }
}
