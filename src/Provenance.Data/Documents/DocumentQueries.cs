using System.Data;
using Microsoft.EntityFrameworkCore;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Documents;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;
using Provenance.Domain.Generators;

namespace Provenance.Data.Documents;

/// <summary>How a client names a document: by registry id or by content hash.</summary>
public readonly record struct DocumentRef(long? Id, ContentHash? Hash)
{
    /// <summary>Digits are an id; 64 hex digits (optionally prefixed sha256:) are a content hash.</summary>
    public static bool TryParse(string? text, out DocumentRef docRef)
    {
        docRef = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        if (text.Length <= 19 && long.TryParse(text, System.Globalization.NumberStyles.None, null, out var id) && id > 0)
        {
            docRef = new DocumentRef(id, null);
            return true;
        }
        if (ContentHash.TryParse(text, out var hash))
        {
            docRef = new DocumentRef(null, hash);
            return true;
        }
        return false;
    }

    public override string ToString() => Id?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Hash!.Value.ToString();
}

/// <summary>Reads documents for the API and the CLI.</summary>
public sealed class DocumentQueries(RegistryDbContext db)
{
    public const int SightingsShown = 100;

    public async Task<long?> FindIdAsync(DocumentRef docRef, CancellationToken ct)
    {
        if (docRef.Id is { } id)
        {
            return await db.Documents.AnyAsync(d => d.Id == id, ct) ? id : null;
        }
        var hash = docRef.Hash!.Value.ToArray();
        return await db.DocumentHashes.Where(h => h.ContentHash == hash).Select(h => (long?)h.DocumentId).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// The document with its assertions, lineage and latest sightings, all read in one snapshot: read apart, an assertion
    /// committed between the reads showed a stored class beside an effective assertion that gives another.
    /// </summary>
    public async Task<DocumentResponse?> GetAsync(long id, bool includeText, CancellationToken ct)
    {
        await using var snapshot = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct)
            : null;
        var doc = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (doc is null)
        {
            return null;
        }
        var generators = db.Generators.AsNoTracking();
        var assertions = await db.Assertions.AsNoTracking().Where(a => a.DocumentId == id)
            .OrderBy(a => a.AssertedAt).ThenBy(a => a.Id)
            .GroupJoin(generators, a => a.GeneratorId, g => g.Id, (a, g) => new { a, g })
            .SelectMany(x => x.g.DefaultIfEmpty(), (x, g) => new { x.a, g })
            .ToListAsync(ct);
        var parents = await db.LineageEdges.AsNoTracking().Where(e => e.ChildId == id)
            .Join(db.Documents, e => e.ParentId, d => d.Id, (e, d) => new { e, d.ContentHash })
            .GroupJoin(generators, x => x.e.GeneratorId, g => g.Id, (x, g) => new { x.e, x.ContentHash, g })
            .SelectMany(x => x.g.DefaultIfEmpty(), (x, g) => new { x.e, x.ContentHash, g })
            .OrderBy(x => x.e.ParentId).ToListAsync(ct);
        var pending = await db.PendingEdges.AsNoTracking().Where(p => p.ChildId == id)
            .GroupJoin(generators, p => p.GeneratorId, g => g.Id, (p, g) => new { p, g })
            .SelectMany(x => x.g.DefaultIfEmpty(), (x, g) => new { x.p, g })
            .OrderBy(x => x.p.Id).ToListAsync(ct);
        var sightingCount = await db.Sightings.CountAsync(s => s.DocumentId == id, ct);
        var sightings = await db.Sightings.AsNoTracking().Where(s => s.DocumentId == id)
            .OrderByDescending(s => s.CrawledAt).ThenByDescending(s => s.Id).Take(SightingsShown)
            .Select(s => new SightingResponse(s.Uri, s.CrawledAt, s.Crawler)).ToListAsync(ct);
        var generator = doc.GeneratorId is { } gid ? await generators.FirstAsync(g => g.Id == gid, ct) : null;
        // The deciding assertion is found by the same rule that derived the stored class.
        var effective = ProvenancePrecedence.Effective(assertions.Select(x => new AssertionFacts(x.a.Id, x.a.Kind, x.a.Class, x.a.AssertedAt, x.a.AssertedBy)))?.Id;
        var text = includeText ? await db.DocumentTexts.Where(t => t.DocumentId == id).Select(t => t.Text).FirstAsync(ct) : null;

        return new DocumentResponse(
            doc.Id, new ContentHash(doc.ContentHash).ToString(), WireNames.Of(doc.Class), doc.Depth, Name(generator),
            doc.CharCount, doc.TokenCount, doc.Language, doc.Licence, doc.FirstSeen, doc.LastSeen, sightingCount, sightings,
            [.. assertions.Select(x => new AssertionResponse(x.a.Id, WireNames.Of(x.a.Kind), x.a.AssertedBy, WireNames.Of(x.a.Class),
                x.a.Confidence, Name(x.g), EvidenceJson.Parse(x.a.Evidence), x.a.AssertedAt, x.a.Id == effective))],
            [.. parents.Select(x => new ParentResponse(x.e.ParentId, new ContentHash(x.ContentHash).ToString(), WireNames.Of(x.e.Relation), Name(x.g), x.e.ParamsHash))],
            [.. pending.Select(x => new PendingParentResponse(new ContentHash(x.p.ParentContentHash).ToString(), WireNames.Of(x.p.Relation), Name(x.g), x.p.CreatedAt))],
            text);
    }

    public async Task<string?> GetTextAsync(long id, CancellationToken ct) =>
        await db.DocumentTexts.Where(t => t.DocumentId == id).Select(t => t.Text).FirstOrDefaultAsync(ct);

    internal static string? Name(Generators.Generator? g) => g is null ? null : new GeneratorName(g.Name, g.Version).ToString();
}
