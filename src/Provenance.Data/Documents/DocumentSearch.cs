using Npgsql;
using Provenance.Domain;
using Provenance.Domain.Assertions;
using Provenance.Domain.Documents;

namespace Provenance.Data.Documents;

/// <summary>What a search box's text is taken for.</summary>
public enum SearchKind
{
    Id,
    Hash,
    Url,
    Text,
}

/// <summary>
/// A query of the document search, classified by the one rule the API, the CLI's help and the docs describe: a positive
/// integer is a document id; 64 hex digits, with or without <c>sha256:</c>, are a content hash; an absolute URI with a
/// source scheme (<see cref="SourceUri.Schemes"/>) is a sighting's URI, normalized as registration normalizes it;
/// anything else is words of the text.
/// </summary>
public sealed record SearchQuery(SearchKind Kind, string Value, DocumentRef Ref = default)
{
    /// <summary>Longest query: a source URI can be this long once encoded.</summary>
    public const int MaxLength = SourceUri.MaxLength;

    /// <summary>Longest text query. A phrase finds a document; a page of words only makes the query slower.</summary>
    public const int MaxTextLength = 256;

    /// <summary>Classifies <paramref name="q"/>, or says why it cannot be searched for (<paramref name="code"/>, <paramref name="error"/>).</summary>
    public static bool TryParse(string? q, out SearchQuery query, out string code, out string error)
    {
        query = null!;
        code = error = "";
        var text = q?.Trim() ?? "";
        if (text.Length == 0)
        {
            (code, error) = ("empty_query", "q is empty; give a document id, a content hash, a source URL or words of the text.");
            return false;
        }
        if (text.Length > MaxLength)
        {
            (code, error) = ("query_too_long", $"q is {text.Length:N0} characters; the limit is {MaxLength:N0}.");
            return false;
        }
        if (DocumentRef.TryParse(text, out var docRef))
        {
            query = new SearchQuery(docRef.Id is null ? SearchKind.Hash : SearchKind.Id, docRef.ToString(), docRef);
            return true;
        }
        if (SourceUri.LooksLikeOne(text))
        {
            if (!SourceUri.TryNormalize(text, "q", out var uri, out var problem))
            {
                (code, error) = ("invalid_query", problem!);
                return false;
            }
            query = new SearchQuery(SearchKind.Url, uri);
            return true;
        }
        if (StoredValues.Line("q", text) is { } unstorable)
        {
            (code, error) = ("invalid_query", unstorable);
            return false;
        }
        if (text.Length > MaxTextLength)
        {
            (code, error) = ("query_too_long",
                $"a text query is {text.Length:N0} characters; the limit is {MaxTextLength:N0}. Search for a shorter phrase from the text.");
            return false;
        }
        query = new SearchQuery(SearchKind.Text, text);
        return true;
    }
}

/// <summary>One document a search found.</summary>
/// <param name="SourceUri">The URI of the document's first sighting (earliest crawl), when it had one.</param>
/// <param name="Snippet">For a text query, a fragment of the text around the match; otherwise the start of the text.</param>
public sealed record SearchHit(long Id, ContentHash Hash, ProvenanceClass Class, string? SourceUri, string Snippet);

/// <summary>A page of hits, newest document first; <paramref name="Next"/> is the cursor of the next page, if there may be one.</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Hits, long? Next);

/// <summary>The text search took longer than the statement timeout allows.</summary>
public sealed class SearchTimeoutException(Exception inner) : Exception("the text search was cancelled by its statement timeout", inner);

/// <summary>
/// Finds documents by id, content hash, sighting URI or words of their text. Keyset-paged on the document id
/// (descending), so a page costs the same however deep it is. Words are looked up in <c>document_search</c>, which
/// <see cref="SearchIndexer"/> fills in the background: a document registered since its last pass is found by id, hash
/// and URL at once, by words a pass later.
/// </summary>
public sealed class DocumentSearch(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Characters of each text that the text index covers. <c>to_tsvector</c> fails on a text whose distinct words
    /// exceed 1 MiB, and registration accepts texts up to <c>Registry:MaxTextBytes</c>, so the indexer reads a prefix:
    /// a failing expression would stop the indexer at that text. A phrase past this point is not found.
    /// </summary>
    public const int IndexedCharacters = 100_000;

    /// <summary>
    /// The words of a text as <see cref="SearchIndexer"/> writes them into <c>document_search.vector</c>. Language
    /// <c>simple</c>: lowercased words without stemming or stop words, the same for every language, so that a phrase
    /// in any language is found as written.
    /// </summary>
    public const string TextVectorSql = "to_tsvector('simple'::regconfig, left(text, 100000))";

    /// <summary>Characters of a snippet when the query was not text (the start of the document).</summary>
    public const int SnippetCharacters = 200;

    public const int MaxPageSize = 100;

    public async Task<SearchPage> FindAsync(SearchQuery query, long? before, int limit, TimeSpan timeout, CancellationToken ct)
    {
        var where = query.Kind switch
        {
            SearchKind.Id => "d.id = @id",
            SearchKind.Hash => "d.id IN (SELECT h.document_id FROM document_hashes h WHERE h.content_hash = @hash)",
            SearchKind.Url => "d.id IN (SELECT s.document_id FROM sightings s WHERE s.uri = @uri)",
            _ => "d.id IN (SELECT v.document_id FROM document_search v WHERE v.vector @@ websearch_to_tsquery('simple'::regconfig, @text))",
        };
        // The page is chosen first and only its rows get a first sighting and a snippet: ts_headline reads the whole
        // (indexed part of the) text, which is affordable for a page, not for every match.
        var snippet = query.Kind == SearchKind.Text
            ? "ts_headline('simple'::regconfig, left(t.text, 100000), websearch_to_tsquery('simple'::regconfig, @text), "
              + "'MaxFragments=1, MaxWords=30, MinWords=12, StartSel=\"\", StopSel=\"\", FragmentDelimiter=\" … \"')"
            : $"left(t.text, {SnippetCharacters})";
        var sql = $"""
            SELECT p.id, p.content_hash, p.class,
                   (SELECT s.uri FROM sightings s WHERE s.document_id = p.id ORDER BY s.crawled_at, s.id LIMIT 1),
                   {snippet}
              FROM (SELECT d.id, d.content_hash, d.class FROM documents d
                     WHERE {where} AND d.id < @before
                     ORDER BY d.id DESC LIMIT @limit) p
              JOIN document_texts t ON t.document_id = p.id
             ORDER BY p.id DESC
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var set = new NpgsqlCommand("SELECT set_config('statement_timeout', @timeout, true)", conn, tx))
        {
            set.Parameters.AddWithValue("timeout", $"{(long)timeout.TotalMilliseconds}ms");
            await set.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue("before", before ?? long.MaxValue);
        cmd.Parameters.AddWithValue("limit", limit + 1);
        switch (query.Kind)
        {
            case SearchKind.Id:
                cmd.Parameters.AddWithValue("id", query.Ref.Id!.Value);
                break;
            case SearchKind.Hash:
                cmd.Parameters.AddWithValue("hash", query.Ref.Hash!.Value.ToArray());
                break;
            case SearchKind.Url:
                cmd.Parameters.AddWithValue("uri", query.Value);
                break;
            default:
                cmd.Parameters.AddWithValue("text", query.Value);
                break;
        }
        var hits = new List<SearchHit>(limit + 1);
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                hits.Add(new SearchHit(reader.GetInt64(0), new ContentHash(reader.GetFieldValue<byte[]>(1)), reader.GetFieldValue<ProvenanceClass>(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4)));
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !ct.IsCancellationRequested)
        {
            throw new SearchTimeoutException(e);
        }
        await tx.CommitAsync(ct);
        return hits.Count > limit ? new SearchPage(hits[..limit], hits[limit - 1].Id) : new SearchPage(hits, null);
    }
}
