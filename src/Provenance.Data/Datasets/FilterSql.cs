using System.Text;
using Npgsql;
using NpgsqlTypes;
using Provenance.Domain.Datasets;

namespace Provenance.Data.Datasets;

/// <summary>
/// A spec's filters as SQL over <c>documents d</c>, and their parameters: one definition for every query that asks
/// which documents a spec admits (the candidate streams, and the pool counted to explain a refusal).
/// </summary>
internal static class FilterSql
{
    /// <summary>
    /// The filters as <c> AND …</c> conditions, only those the spec sets; parameters from <see cref="AddParameters"/>.
    /// <paramref name="modelWritten"/> says the query reads only synthetic or mixed documents, so the depth limit applies
    /// to all of them.
    /// </summary>
    public static string Where(MixSpec spec, bool modelWritten)
    {
        var f = spec.Filters;
        var sql = new StringBuilder();
        if (f.Languages.Count > 0)
        {
            sql.Append(" AND (lower(d.language) = ANY(@languages) OR split_part(lower(d.language), '-', 1) = ANY(@languages))");
        }
        if (f.Licences.Count > 0)
        {
            sql.Append(" AND lower(d.licence) = ANY(@licences)");
        }
        if (f.SourceDomains.Count > 0)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM unnest(@domains) AS f(domain) WHERE d.source_domain = f.domain OR right(d.source_domain, length(f.domain) + 1) = '.' || f.domain)");
        }
        if (f.FirstSeenFrom is not null)
        {
            sql.Append(" AND d.first_seen >= @seen_from");
        }
        if (f.FirstSeenBefore is not null)
        {
            sql.Append(" AND d.first_seen < @seen_before");
        }
        if (f.Generators.Count > 0)
        {
            // Only text the registry holds as model-written names a generator; human (and unknown) documents pass.
            sql.Append("""
                 AND (d.class NOT IN ('synthetic', 'mixed') OR d.generator_id IN (SELECT g.id FROM generators g
                      JOIN unnest(@generator_names, @generator_versions) AS w(name, version) ON g.name = w.name AND g.version = w.version))
                """);
        }
        if (modelWritten && spec.MaxDepth is not null)
        {
            sql.Append(" AND d.depth <= @max_depth");
        }
        return sql.ToString();
    }

    /// <summary>
    /// The depth limit for a query over documents of every class: human and unknown documents have no depth to limit.
    /// </summary>
    public const string DepthOfAnyClass = "(d.class IN ('human', 'unknown') OR @max_depth IS NULL OR d.depth <= @max_depth)";

    /// <summary>The parameters of <see cref="Where"/> and <see cref="DepthOfAnyClass"/>, all of them whatever the spec sets.</summary>
    public static void AddParameters(NpgsqlCommand cmd, MixSpec spec)
    {
        var f = spec.Filters;
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("languages", [.. f.Languages]));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("licences", [.. f.Licences]));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("domains", [.. f.SourceDomains]));
        cmd.Parameters.Add(new NpgsqlParameter("seen_from", NpgsqlDbType.TimestampTz) { Value = (object?)f.FirstSeenFrom ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("seen_before", NpgsqlDbType.TimestampTz) { Value = (object?)f.FirstSeenBefore ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("generator_names", [.. f.Generators.Select(g => g.Name)]));
        cmd.Parameters.Add(new NpgsqlParameter<string[]>("generator_versions", [.. f.Generators.Select(g => g.Version)]));
        cmd.Parameters.Add(new NpgsqlParameter("max_depth", NpgsqlDbType.Integer) { Value = (object?)spec.MaxDepth ?? DBNull.Value });
    }
}
