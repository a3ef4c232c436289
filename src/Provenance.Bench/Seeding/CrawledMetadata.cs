using Npgsql;
using NpgsqlTypes;
using Provenance.Domain.Assertions;

namespace Provenance.Bench.Seeding;

/// <summary>One seeded document's columns, as registration fills them (the text, sightings and assertions aside).</summary>
public sealed record SeedDocument(
    byte[] Hash, int Tokens, string Language, string? Licence, DateTimeOffset Seen, ProvenanceClass Class, int? GeneratorId, int? Depth,
    string? SourceDomain, AssertionKind? DecidedBy);

/// <summary>
/// What the metadata of a web crawl looks like, for the benchmarks that seed millions of documents by binary COPY:
/// Zipf-skewed source domains and generators, log-normal token counts, two years of first sightings, the languages
/// and licences of a mostly English crawl. The class, generator need and depth are the caller's.
/// </summary>
public sealed class CrawledMetadata
{
    /// <summary>The <c>documents</c> columns <see cref="WriteAsync"/> writes, in its order.</summary>
    public const string Columns =
        "content_hash, char_count, token_count, language, licence, first_seen, last_seen, class, generator_id, depth, source_domain, decided_by";

    static readonly string[] Languages = ["en", "en", "en", "en", "en", "en", "de", "fr", "es", "zh", "ja", "pt"];
    static readonly string?[] Licences = ["CC-BY-4.0", "CC-BY-4.0", "CC-BY-4.0", "CC-BY-4.0", "CC0-1.0", "CC0-1.0", "MIT", null, null, null, null];
    static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    readonly int[] _generators;
    readonly string[] _domains;
    readonly double[] _domainWeights;
    readonly double[] _generatorWeights;

    CrawledMetadata(int[] generators, int domains)
    {
        _generators = generators;
        _domains = [.. Enumerable.Range(0, domains).Select(i => $"site{i:D5}.{(i % 7) switch { 0 => "org", 1 => "net", 2 => "de", 3 => "fr", _ => "com" }}")];
        _domainWeights = Zipf(_domains.Length, 1.05);
        _generatorWeights = Zipf(generators.Length, 0.8);
    }

    /// <summary>Registers the crawl's generators (idempotently) and returns the metadata source that names them.</summary>
    public static async Task<CrawledMetadata> CreateAsync(NpgsqlDataSource dataSource, int domains, CancellationToken ct) =>
        new(await SeedGeneratorsAsync(dataSource, ct), domains);

    /// <summary>A new document of class <paramref name="cls"/> with depth <paramref name="depth"/> and a random content hash.</summary>
    public SeedDocument Next(Random random, ProvenanceClass cls, int? depth, AssertionKind? decidedBy)
    {
        var hash = new byte[32];
        random.NextBytes(hash);
        var tokens = (int)Math.Clamp(Math.Exp(5.3 + 0.6 * Gaussian(random)), 20, 20_000);
        var seen = Start.AddSeconds(random.NextDouble() * 2 * 365 * 86_400);
        int? generator = cls is ProvenanceClass.Synthetic or ProvenanceClass.Mixed ? _generators[Pick(_generatorWeights, random)] : null;
        return new SeedDocument(hash, tokens, Languages[random.Next(Languages.Length)], Licences[random.Next(Licences.Length)], seen, cls,
            generator, depth, random.NextDouble() < 0.03 ? null : _domains[Pick(_domainWeights, random)], decidedBy);
    }

    /// <summary>Writes the <see cref="Columns"/> of one row.</summary>
    public static async Task WriteAsync(NpgsqlBinaryImporter copy, SeedDocument d, CancellationToken ct)
    {
        await copy.WriteAsync(d.Hash, NpgsqlDbType.Bytea, ct);
        await copy.WriteAsync(d.Tokens * 4, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(d.Tokens, NpgsqlDbType.Integer, ct);
        await copy.WriteAsync(d.Language, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, d.Licence, ct);
        await copy.WriteAsync(d.Seen, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(d.Seen, NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(d.Class, "provenance_class", ct);
        await WriteNullableAsync(copy, d.GeneratorId, ct);
        await WriteNullableAsync(copy, d.Depth, ct);
        await WriteNullableAsync(copy, d.SourceDomain, ct);
        if (d.DecidedBy is { } kind)
        {
            await copy.WriteAsync(kind, "assertion_kind", ct);
        }
        else
        {
            await copy.WriteNullAsync(ct);
        }
    }

    static async Task<int[]> SeedGeneratorsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        string[] names = ["gpt-4o@2024-08-06", "llama-3-70b@1", "claude-3-5-sonnet@20241022", "mistral-large@2407", "qwen2-72b@1", "gemma-2-27b@1",
            "phi-3-medium@1", "command-r-plus@1", "deepseek-v2@1", "yi-34b@1", "falcon-40b@1", "olmo-7b@1"];
        var ids = new List<int>();
        foreach (var name in names)
        {
            var at = name.LastIndexOf('@');
            await using var cmd = dataSource.CreateCommand("""
                INSERT INTO generators (name, version) VALUES (@n, @v) ON CONFLICT (name, version) DO UPDATE SET name = EXCLUDED.name RETURNING id
                """);
            cmd.Parameters.Add(new NpgsqlParameter<string>("n", name[..at]));
            cmd.Parameters.Add(new NpgsqlParameter<string>("v", name[(at + 1)..]));
            ids.Add((int)(await cmd.ExecuteScalarAsync(ct))!);
        }
        return [.. ids];
    }

    static double[] Zipf(int n, double s)
    {
        var cumulative = new double[n];
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            sum += 1 / Math.Pow(i + 1, s);
            cumulative[i] = sum;
        }
        for (var i = 0; i < n; i++)
        {
            cumulative[i] /= sum;
        }
        return cumulative;
    }

    static int Pick(double[] cumulative, Random random)
    {
        var i = Array.BinarySearch(cumulative, random.NextDouble());
        return Math.Min(cumulative.Length - 1, i < 0 ? ~i : i);
    }

    static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    static Task WriteNullableAsync(NpgsqlBinaryImporter w, string? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, NpgsqlDbType.Varchar, ct);

    static Task WriteNullableAsync(NpgsqlBinaryImporter w, int? value, CancellationToken ct) =>
        value is { } v ? w.WriteAsync(v, NpgsqlDbType.Integer, ct) : w.WriteNullAsync(ct);
}
