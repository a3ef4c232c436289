using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Data.Datasets;
using Provenance.Testing;

namespace Provenance.Data.Tests.Datasets;

/// <summary>
/// A version's documents and its manifest are read a chunk of positions at a time, each chunk its own query: with
/// chunks far smaller than the version, every stream must still hold exactly the positions it asks for, in order, with
/// the same rows one query over the whole version gives (the default chunk is larger than these versions).
/// </summary>
public class DocumentStreamTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    public sealed record Case(int Chunk, int Offset, int? Limit, bool Text)
    {
        public override string ToString() => $"chunk {Chunk} offset {Offset} limit {Limit} text {Text}";
    }

    static readonly Gen<Case> Cases =
        from chunk in Gen.Choose(1, 9)
        from offset in Gen.Frequency((3, Gen.Constant(0)), (5, Gen.Choose(1, 40)))
        from limit in Gen.Frequency((2, Gen.Constant<int?>(null)), (5, Gen.Choose(1, 40).Select(l => (int?)l)))
        from text in Gen.Elements(true, false)
        select new Case(chunk, offset, limit, text);

    async Task<DatasetVersionResponse> VersionAsync(int documents)
    {
        var crawler = registry.Client("crawler");
        var domain = DatasetRequests.NewDomain();
        await crawler.RegisterAsync(domain, "human", documents, language: "en");
        await crawler.RegisterAsync(domain, "synthetic", 5, "stream-model@1");
        return await registry.Client("trainer").AssembleAsync(DatasetRequests.Spec("stream", domain, documents, minHuman: 0.8));
    }

    static async Task<List<DatasetDocument>> ReadAsync(DatasetQueries queries, long id, long offset, long? limit, bool text)
    {
        var documents = new List<DatasetDocument>();
        await foreach (var d in queries.DocumentsAsync(id, offset, limit, text, CancellationToken.None))
        {
            documents.Add(d);
        }
        return documents;
    }

    [Fact]
    public async Task AVersionOfManyChunksStreamsWhollyAndInOrderFromAnyOffsetAndLimit()
    {
        var version = await VersionAsync(30);
        var dataSource = registry.GetService<NpgsqlDataSource>();
        var oneQuery = new DatasetQueries(dataSource);
        var whole = await ReadAsync(oneQuery, version.Id, 0, null, text: true);
        var metadata = await ReadAsync(oneQuery, version.Id, 0, null, text: false);

        var chunkedWhole = await ReadAsync(new DatasetQueries(dataSource) { ChunkSize = 4 }, version.Id, 0, null, text: true);

        Assert.Equal(version.Documents, whole.Count);
        Assert.Equal(Enumerable.Range(0, whole.Count), whole.Select(d => (int)d.Offset));
        Assert.All(whole, d => Assert.False(string.IsNullOrEmpty(d.Text)));
        Assert.All(metadata, d => Assert.Null(d.Text));
        Assert.Equal(whole, chunkedWhole);
        Properties.Check(Cases, c =>
        {
            var chunked = new DatasetQueries(dataSource) { ChunkSize = c.Chunk };
            var expected = (c.Text ? whole : metadata).Skip(c.Offset).Take(c.Limit ?? int.MaxValue);

            var actual = ReadAsync(chunked, version.Id, c.Offset, c.Limit, c.Text).GetAwaiter().GetResult();

            return actual.SequenceEqual(expected);
        }, maxTest: 60);
    }

    [Fact]
    public async Task AManifestReadInManyChunksHashesToTheVersionsManifestHash()
    {
        var version = await VersionAsync(17);
        var chunked = new DatasetQueries(registry.GetService<NpgsqlDataSource>()) { ChunkSize = 3 };
        using var manifest = new MemoryStream();

        await chunked.WriteManifestAsync(version.Id, manifest, CancellationToken.None);

        Assert.Equal(version.ManifestHash, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest.ToArray())));
    }

    [Fact]
    public async Task ALimitAsLargeAsALongReadsToTheEndOfTheVersion()
    {
        var version = await VersionAsync(10);
        var chunked = new DatasetQueries(registry.GetService<NpgsqlDataSource>()) { ChunkSize = 3 };

        var documents = await ReadAsync(chunked, version.Id, 4, long.MaxValue, text: false);

        Assert.Equal(Enumerable.Range(4, (int)version.Documents - 4), documents.Select(d => (int)d.Offset));
    }
}
