using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Provenance.Domain.Assertions;
using Provenance.Domain.Generators;
using Provenance.Text;
using Provenance.Domain.Lineage;

namespace Provenance.Domain.Documents;

/// <summary>Limits a registration must respect; the API and the bus consumer read them from configuration.</summary>
public sealed record SubmissionLimits
{
    /// <summary>Largest normalized text, in UTF-8 bytes.</summary>
    public int MaxTextBytes { get; init; } = 1024 * 1024;

    public int MaxParents { get; init; } = 100;

    /// <summary>How far in the future a crawl time may lie (clock skew between crawlers and the registry).</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromDays(1);
}

/// <summary>
/// Checks one submission and brings it to canonical form. Every rejection says what was wrong and how to fix it,
/// because the person reading it is usually a crawler author looking at a log line.
/// </summary>
public static partial class SubmissionValidator
{
    public const int MaxParamsHashLength = 128;

    public static bool TryValidate(
        DocumentSubmission submission, SubmissionLimits limits, DateTimeOffset now,
        out ValidSubmission valid, out string? error)
    {
        valid = null!;
        if (!TextNormalizer.TryNormalize(submission.Text, out var text, out error))
        {
            return false;
        }
        var bytes = Encoding.UTF8.GetByteCount(text);
        if (bytes > limits.MaxTextBytes)
        {
            error = $"text is {bytes:N0} bytes of UTF-8; the limit is {limits.MaxTextBytes:N0}. Split the document or raise Registry:MaxTextBytes.";
            return false;
        }
        var hash = ContentHash.OfNormalized(text);

        string? uri = null;
        if (!string.IsNullOrWhiteSpace(submission.SourceUri))
        {
            if (!SourceUri.TryNormalize(submission.SourceUri, "sourceUri", out var normalized, out error))
            {
                return false;
            }
            uri = normalized;
        }

        if (submission.CrawledAt is { } crawled && crawled > now + limits.MaxClockSkew)
        {
            error = $"crawledAt {crawled:O} is in the future; send the time the page was fetched, in UTC.";
            return false;
        }

        if (!TryValidateDeclaration(submission.Declared, out var declared, out var ingredients, out error))
        {
            return false;
        }

        var parents = new List<ValidParent>();
        var raw = submission.Parents ?? [];
        if (raw.Count + ingredients.Count > limits.MaxParents)
        {
            error = ingredients.Count == 0
                ? $"{raw.Count} parents given; the limit is {limits.MaxParents} per document."
                : $"{raw.Count} parents and {ingredients.Count} hashed ingredients in declared.c2pa given; the limit is {limits.MaxParents} per document.";
            return false;
        }
        var named = raw.Select((p, i) => (p, $"parents[{i}]")).Concat(ingredients.Select((p, i) => (p, $"declared.c2pa's hashed ingredient {i}")));
        foreach (var (reference, where) in named)
        {
            if (!TryValidateParent(reference, where, hash, out var parent, out error))
            {
                return false;
            }
            if (!parents.Contains(parent))
            {
                parents.Add(parent);
            }
        }

        string? language = null;
        if (!string.IsNullOrWhiteSpace(submission.Language))
        {
            language = submission.Language.Trim();
            if (!LanguageTag().IsMatch(language))
            {
                error = $"language '{Shorten(language)}' is not a BCP 47 tag such as en, de-CH or zh-Hant.";
                return false;
            }
        }
        var licence = string.IsNullOrWhiteSpace(submission.Licence) ? null : submission.Licence.Trim();
        if (licence is { Length: > 100 })
        {
            error = "licence is longer than 100 characters; use an SPDX identifier such as CC-BY-4.0.";
            return false;
        }
        var crawler = string.IsNullOrWhiteSpace(submission.Crawler) ? null : submission.Crawler.Trim();
        if (crawler is { Length: > 200 })
        {
            error = "crawler is longer than 200 characters.";
            return false;
        }
        error = StoredValues.Line("licence", licence) ?? StoredValues.Line("crawler", crawler);
        if (error is not null)
        {
            return false;
        }

        valid = new ValidSubmission(text, hash, CountScalars(text), uri, submission.CrawledAt?.ToUniversalTime(), crawler,
            declared, parents, language, licence);
        return true;
    }

    /// <param name="ingredients">The parents a C2PA report names by hash; empty without one.</param>
    static bool TryValidateDeclaration(DeclaredProvenance? d, out ValidDeclaration? declared, out IReadOnlyList<ParentReference> ingredients, out string? error)
    {
        declared = null;
        ingredients = [];
        error = null;
        if (d is null)
        {
            return true;
        }
        ProvenanceClass? cls = null;
        if (!string.IsNullOrWhiteSpace(d.Class))
        {
            if (!WireNames.TryParse<ProvenanceClass>(d.Class, out var parsed))
            {
                error = WireNames.Explain<ProvenanceClass>("declared.class", d.Class);
                return false;
            }
            cls = parsed;
        }
        var evidence = new JsonObject();
        if (!string.IsNullOrWhiteSpace(d.DigitalSourceType))
        {
            if (!DigitalSourceType.TryParse(d.DigitalSourceType, out var uri, out var implied, out error))
            {
                error = "declared." + error;
                return false;
            }
            if (cls is { } c && c != implied)
            {
                error = $"declared.class '{WireNames.Of(c)}' contradicts declared.digitalSourceType '{d.DigitalSourceType}', which means '{WireNames.Of(implied)}'.";
                return false;
            }
            cls = implied;
            evidence["digitalSourceType"] = uri;
        }
        GeneratorName? claimGenerator = null;
        if (d.C2pa is { } report)
        {
            if (!C2paReport.TryRead(report, out var c2pa, out error))
            {
                return false;
            }
            if (c2pa.Class is { } implied && cls is { } c && c != implied)
            {
                var said = string.IsNullOrWhiteSpace(d.DigitalSourceType) ? $"declared.class '{WireNames.Of(c)}'" : $"declared.digitalSourceType '{d.DigitalSourceType}'";
                error = $"{said} contradicts declared.c2pa, whose actions' digitalSourceType means '{WireNames.Of(implied)}'.";
                return false;
            }
            if (cls is null && c2pa.Class is null)
            {
                error = "declared.c2pa's active manifest has no c2pa.actions with a digitalSourceType, so it does not say what the text is; give declared.class as well.";
                return false;
            }
            cls ??= c2pa.Class;
            // A claim generator is the software that signed the claim: the model only when the text is generated, and
            // less precise than a generator the registrant names.
            claimGenerator = cls is ProvenanceClass.Synthetic or ProvenanceClass.Mixed ? c2pa.Generator : null;
            ingredients = c2pa.Parents;
            evidence["c2pa"] = c2pa.Evidence;
        }
        if (cls is null)
        {
            if (d.Generator is null && d.Confidence is null)
            {
                return true; // an empty "declared": {} says nothing
            }
            error = "declared needs a class (human, synthetic, mixed or unknown), an IPTC digitalSourceType or a C2PA report.";
            return false;
        }
        GeneratorName? generator = null;
        if (d.Generator is not null)
        {
            if (!GeneratorName.TryParse(d.Generator, out var g, out error))
            {
                error = "declared." + error;
                return false;
            }
            if (cls is ProvenanceClass.Human or ProvenanceClass.Unknown)
            {
                error = $"declared.generator names a model, but declared.class is '{WireNames.Of(cls.Value)}'; a generator goes with synthetic or mixed text.";
                return false;
            }
            generator = g;
        }
        if (d.Confidence is { } conf && (double.IsNaN(conf) || conf < 0 || conf > 1))
        {
            error = $"declared.confidence {conf} is outside 0..1.";
            return false;
        }
        declared = new ValidDeclaration(cls.Value, generator ?? claimGenerator, d.Confidence, evidence.Count == 0 ? null : evidence.ToJsonString());
        return true;
    }

    static bool TryValidateParent(ParentReference p, string where, ContentHash self, out ValidParent parent, out string? error)
    {
        parent = null!;
        if (p is null)
        {
            error = $"{where} is null.";
            return false;
        }
        if (!WireNames.TryParse<LineageRelation>(p.Relation, out var relation))
        {
            error = WireNames.Explain<LineageRelation>($"{where}.relation", p.Relation);
            return false;
        }
        var hasHash = !string.IsNullOrWhiteSpace(p.ContentHash);
        if (p.Id is null == !hasHash)
        {
            error = $"{where} must name its document by exactly one of id and contentHash.";
            return false;
        }
        ContentHash? hash = null;
        if (hasHash)
        {
            if (!ContentHash.TryParse(p.ContentHash, out var h))
            {
                error = $"{where}.contentHash '{Shorten(p.ContentHash!)}' is not a SHA-256 in hex (64 hex digits, optionally prefixed sha256:).";
                return false;
            }
            if (h == self)
            {
                error = $"{where} is the document itself; a document cannot be derived from itself.";
                return false;
            }
            hash = h;
        }
        else if (p.Id <= 0)
        {
            error = $"{where}.id {p.Id} is not a document id (ids are positive).";
            return false;
        }
        GeneratorName? generator = null;
        if (p.Generator is not null)
        {
            if (!GeneratorName.TryParse(p.Generator, out var g, out error))
            {
                error = $"{where}." + error;
                return false;
            }
            generator = g;
        }
        var paramsHash = string.IsNullOrWhiteSpace(p.ParamsHash) ? null : p.ParamsHash.Trim();
        if (paramsHash is { Length: > MaxParamsHashLength })
        {
            error = $"{where}.paramsHash is longer than {MaxParamsHashLength} characters.";
            return false;
        }
        if (StoredValues.Line($"{where}.paramsHash", paramsHash) is { } unstorable)
        {
            error = unstorable;
            return false;
        }
        parent = new ValidParent(hash is null ? p.Id : null, hash, relation, generator, paramsHash);
        error = null;
        return true;
    }

    /// <summary>Unicode scalar values: a surrogate pair is one character.</summary>
    static int CountScalars(string text)
    {
        var n = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                n--;
            }
        }
        return n;
    }

    static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "…";

    [GeneratedRegex("^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")]
    private static partial Regex LanguageTag();
}
