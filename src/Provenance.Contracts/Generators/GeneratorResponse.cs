namespace Provenance.Contracts.Generators;

public sealed record GeneratorResponse(int Id, string Name, string Version, string? Vendor, string? Family, long Documents);

/// <summary>Vendor and family of a generator, set by curators.</summary>
public sealed record UpdateGeneratorRequest(string? Vendor, string? Family);
