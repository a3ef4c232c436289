using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Provenance.Data;

namespace Provenance.Migrations;

/// <summary>
/// Lets <c>dotnet ef migrations add</c> build the model without starting the API. Adding a migration needs no
/// database; <c>dotnet ef database update</c> reads <c>PROVENANCE_CONNECTION</c>.
/// </summary>
public sealed class DesignTimeRegistryDbContextFactory : IDesignTimeDbContextFactory<RegistryDbContext>
{
    public RegistryDbContext CreateDbContext(string[] args)
    {
        var connection = Environment.GetEnvironmentVariable("PROVENANCE_CONNECTION")
            ?? "Host=127.0.0.1;Port=5432;Username=provenance;Database=provenance";
        var options = new DbContextOptionsBuilder<RegistryDbContext>();
        options.UseRegistry(connection);
        return new RegistryDbContext(options.Options);
    }
}
