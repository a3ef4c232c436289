using Microsoft.EntityFrameworkCore;
using Provenance.Contracts.Generators;
using Provenance.Domain.Generators;

namespace Provenance.Data.Generators;

public sealed class GeneratorQueries(RegistryDbContext db)
{
    /// <summary>Every generator with the number of documents whose class it decides.</summary>
    public Task<List<GeneratorResponse>> ListAsync(CancellationToken ct) =>
        db.Generators.AsNoTracking()
            .OrderBy(g => g.Name).ThenBy(g => g.Version)
            .Select(g => new GeneratorResponse(g.Id, g.Name, g.Version, g.Vendor, g.Family, db.Documents.LongCount(d => d.GeneratorId == g.Id)))
            .ToListAsync(ct);

    /// <summary>Sets vendor and family, creating the generator when it is new.</summary>
    public async Task<GeneratorResponse> UpsertAsync(GeneratorName name, string? vendor, string? family, CancellationToken ct)
    {
        var g = await db.Generators.FirstOrDefaultAsync(x => x.Name == name.Name && x.Version == name.Version, ct);
        if (g is null)
        {
            g = new Generator { Name = name.Name, Version = name.Version, CreatedAt = DateTimeOffset.UtcNow };
            db.Generators.Add(g);
        }
        g.Vendor = vendor;
        g.Family = family;
        await db.SaveChangesAsync(ct);
        var documents = await db.Documents.LongCountAsync(d => d.GeneratorId == g.Id, ct);
        return new GeneratorResponse(g.Id, g.Name, g.Version, g.Vendor, g.Family, documents);
    }
}
