using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using Provenance.Contracts.Datasets;
using Provenance.Contracts.Documents;
using Provenance.Data.Assertions;
using Provenance.Data.Datasets;
using Provenance.Domain.Assertions;
using Provenance.Testing;

namespace Provenance.Api.Tests.Datasets;

public class DatasetAssemblyTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _trainer = registry.Client("trainer");

    [Fact]
    public async Task AVersionOnABaseKeepsEveryBaseDocumentAddsSyntheticTextAndHoldsTheHumanShare()
    {
        var domain = DatasetRequests.NewDomain();
        var humans = await _crawler.RegisterAsync(domain, "human", 80);
        await _crawler.RegisterAsync(domain, "synthetic", 30, "writer-a@1", i => [new(humans[i].Id, Relation: "paraphrase_of")]);
        await _crawler.RegisterAsync(domain, "synthetic", 30, "writer-b@2", i => [new(humans[i + 30].Id, Relation: "summary_of")]);

        var v1 = await _trainer.AssembleAsync(DatasetRequests.Spec("accumulate", domain, 100, minHuman: 0.7));
        var v2 = await _trainer.AssembleAsync(DatasetRequests.Spec("accumulate", domain, 120, minHuman: 0.55, baseRef: v1.Ref, classes: ["synthetic"]));
        var docs1 = await _trainer.DocumentsAsync(v1.Ref);
        var docs2 = await _trainer.DocumentsAsync(v2.Ref);
        var chain = await _trainer.ReadAsync<List<DatasetVersionSummary>>($"/v1/datasets/{v2.Id}/chain");

        Assert.Equal(("accumulate@1", "accumulate@2", "created"), (v1.Ref, v2.Ref, v2.Status));
        Assert.Equal(100, docs1.Count);
        Assert.True(docs1.Share("human") >= 0.7);
        Assert.Equal(docs1.Select(d => d.Id), docs2.Take(100).Select(d => d.Id));
        Assert.All(docs2.Skip(100), d => Assert.Equal("synthetic", d.CountedAs));
        Assert.True(docs2.Share("human") >= 0.55);
        Assert.Equal(120, docs2.Select(d => d.ContentHash).Distinct().Count());
        Assert.Equal(v1.ManifestHash, v2.Manifest.Base!.ManifestHash);
        Assert.Equal((100, 20), (v2.Manifest.CollapseRisk.Accumulation.BaseDocuments, v2.Manifest.CollapseRisk.Accumulation.AddedDocuments));
        Assert.Equal(docs2.Share("human"), v2.Manifest.CollapseRisk.HumanShare, 6);
        Assert.Equal(["accumulate@1", "accumulate@2"], chain.Select(c => c.Ref));
    }

    [Fact]
    public async Task WithoutOpenLineageSettingsAnAssemblyWritesNothingToTheOutbox()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 3);

        await _trainer.AssembleAsync(DatasetRequests.Spec("no-lineage", domain, 3, minHuman: 1));

        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM outbox"));
    }

    [Fact]
    public async Task TheSameSpecOnTheSameRegistryGivesTheSameManifestByteForByte()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 30);
        await _crawler.RegisterAsync(domain, "mixed", 10, "editor@1");
        var spec = DatasetRequests.Spec("same-bytes", domain, 25, minHuman: 0.8, seed: 42);

        var preview1 = await (await _trainer.PostAsJsonAsync("/v1/datasets?dryRun=true", spec)).Content.ReadFromJsonAsync<DatasetPreviewResponse>();
        var preview2 = await (await _trainer.PostAsJsonAsync("/v1/datasets?dryRun=true", spec)).Content.ReadFromJsonAsync<DatasetPreviewResponse>();
        var stored = await _trainer.AssembleAsync(spec);
        var again = await _trainer.AssembleAsync(spec);
        var manifest1 = await _trainer.GetByteArrayAsync($"/v1/datasets/{stored.Id}/manifest");
        var manifest2 = await _trainer.GetByteArrayAsync("/v1/datasets/same-bytes@1/manifest");
        var otherSeed = await (await _trainer.PostAsJsonAsync("/v1/datasets?dryRun=true", spec with { Seed = 43 })).Content.ReadFromJsonAsync<DatasetPreviewResponse>();

        Assert.Equal(preview1!.ManifestHash, preview2!.ManifestHash);
        Assert.Equal(preview1.ManifestHash, stored.ManifestHash);
        Assert.Equal(("existing", stored.Id), (again.Status, again.Id));
        Assert.Equal(manifest1, manifest2);
        Assert.Equal(stored.ManifestHash, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(manifest1)));
        var documents = JsonDocument.Parse(manifest1).RootElement.GetProperty("documents");
        Assert.Equal(25, documents.GetArrayLength());
        Assert.Equal((await _trainer.DocumentsAsync(stored.Ref, text: false)).Select(d => (d.Id, d.ContentHash)),
            documents.EnumerateArray().Select(e => (e[0].GetInt64(), e[1].GetString()!)));
        Assert.NotEqual(stored.ManifestHash, otherSeed!.ManifestHash);
    }

    [Fact]
    public async Task AnImpossibleSpecIsRefusedWithWhatIsMissingAndNothingIsWritten()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 40);
        await _crawler.RegisterAsync(domain, "synthetic", 100, "prolific@1");
        var versionsBefore = await registry.ScalarAsync<long>("SELECT count(*) FROM dataset_versions");

        var response = await _trainer.PostAsJsonAsync("/v1/datasets", DatasetRequests.Spec("impossible", domain, 100, minHuman: 0.7));

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        var shortfall = problem.GetProperty("shortfalls")[0];
        Assert.Equal("minHumanShare", shortfall.GetProperty("constraint").GetString());
        Assert.Equal((70, 40, 30), (shortfall.GetProperty("needed").GetInt64(), shortfall.GetProperty("available").GetInt64(), shortfall.GetProperty("missing").GetInt64()));
        Assert.Contains("30 human documents are missing", problem.GetProperty("detail").GetString());
        Assert.Contains("lower the target to 57 or less", problem.GetProperty("detail").GetString());
        Assert.Equal(versionsBefore, await registry.ScalarAsync<long>("SELECT count(*) FROM dataset_versions"));
        Assert.Equal(0L, await registry.ScalarAsync<long>("SELECT count(*) FROM datasets WHERE name = 'impossible'"));
    }

    [Fact]
    public async Task ARefusalsAdviceComesAsNumbersAProgramCanActOn()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 40);
        await _crawler.RegisterAsync(domain, "synthetic", 100, "prolific@1");
        var spec = DatasetRequests.Spec("advised", domain, 100, minHuman: 0.7);

        var problem = await (await _trainer.PostAsJsonAsync("/v1/datasets", spec)).ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        var targets = problem.GetProperty("shortfalls").EnumerateArray().SelectMany(s => s.GetProperty("suggestions").EnumerateArray())
            .Where(s => s.GetProperty("targetUpTo").ValueKind == JsonValueKind.Number).ToList();
        var largest = targets.Max(s => s.GetProperty("targetUpTo").GetInt64());
        var advised = await _trainer.AssembleAsync(spec with { Target = new DatasetTarget(Documents: largest) });

        Assert.Equal(57, largest);
        Assert.Contains(targets, s => s.GetProperty("text").GetString()!.Contains("lower the target to 57 or less", StringComparison.Ordinal));
        Assert.Equal(57, advised.Documents);
    }

    [Fact]
    public async Task AGeneratorsFilterAdmitsOnlyTheTextOfThoseGeneratorsAndLeavesHumanTextAlone()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 10);
        await _crawler.RegisterAsync(domain, "synthetic", 10, "writer@1");
        await _crawler.RegisterAsync(domain, "synthetic", 10, "writer@2");
        await _crawler.RegisterAsync(domain, "mixed", 10, "editor@1");
        DatasetSpec Spec(string dataset, long target, double minHuman, string?[]? classes, params string[] generators)
        {
            var spec = DatasetRequests.Spec(dataset, domain, target, minHuman, classes: classes);
            return spec with { Filters = spec.Filters! with { Generators = generators } };
        }

        var one = await _trainer.AssembleAsync(Spec("by-generator", 10, 0, ["synthetic"], "writer@2"));
        var withHumans = await _trainer.AssembleAsync(Spec("by-generator-human", 30, 0.3, null, " editor@1", "writer@1"));
        var tooMany = await _trainer.PostAsJsonAsync("/v1/datasets", Spec("by-generator-more", 11, 0, ["synthetic"], "writer@2"));
        var unfiltered = await _trainer.AssembleAsync(DatasetRequests.Spec("by-generator-none", domain, 40, 0));

        Assert.All(await _trainer.DocumentsAsync(one.Ref), d => Assert.Equal("writer@2", d.Generator));
        var mixed = await _trainer.DocumentsAsync(withHumans.Ref);
        Assert.Equal(10, mixed.Count(d => d.Class == "human"));
        Assert.Equal(["editor@1", "writer@1"], mixed.Where(d => d.Generator is not null).Select(d => d.Generator).Distinct().Order());
        Assert.Equal(["editor@1", "writer@1"], withHumans.Manifest.Spec.Filters!.Generators!);
        await tooMany.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        // A spec without the filter records none, so its manifest (and hash) is what it was before the filter existed.
        var manifest = JsonDocument.Parse(await _trainer.GetStringAsync($"/v1/datasets/{unfiltered.Ref}/manifest")).RootElement;
        Assert.False(manifest.GetProperty("spec").GetProperty("filters").TryGetProperty("generators", out _));

    }

    [Fact]
    public async Task ABaseThatAlreadyBreaksTheNewSpecIsRefusedWithChangesThatWork()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 14);
        await _crawler.RegisterAsync(domain, "synthetic", 6, "w@1");
        var v1 = await _trainer.AssembleAsync(DatasetRequests.Spec("strict", domain, 20, minHuman: 0.7));
        var spec = DatasetRequests.Spec("strict", domain, 20, minHuman: 0.9, baseRef: v1.Ref);

        var response = await _trainer.PostAsJsonAsync("/v1/datasets", spec);
        var relaxed = await _trainer.AssembleAsync(spec with { MinHumanShare = 0.7 });

        var problem = await response.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("The base holds 6 documents that are not human", detail);
        Assert.Contains("Lower minHumanShare to 0.7 or less and raise maxSyntheticShare to 0.3 or more", detail);
        // A target of 60 would restore the share only with 40 human documents added, and the registry has no more.
        Assert.DoesNotContain("Raise the target", detail);
        Assert.Contains("register or admit 40 more human documents that match the filters and raise the target to 60", detail);
        Assert.Equal(20, relaxed.Documents);
    }

    [Fact]
    public async Task EveryChangeARefusalOnABaseSuggestsIsOneTheRegistryCanMeet()
    {
        // The demo: 70 human and 70 synthetic documents match the filters, and the base holds 35 of each.
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 35, licence: "CC-BY-4.0");
        await _crawler.RegisterAsync(domain, "synthetic", 35, "w@1", licence: "CC-BY-4.0");
        DatasetSpec Licensed(DatasetSpec spec) => spec with { Filters = spec.Filters! with { Licences = ["CC-BY-4.0"] } };
        var v1 = await _trainer.AssembleAsync(Licensed(DatasetRequests.Spec("web-demo", domain, 70, minHuman: 0.5)));
        await _crawler.RegisterAsync(domain, "human", 35, licence: "CC-BY-4.0");
        await _crawler.RegisterAsync(domain, "synthetic", 35, "w@1", licence: "CC-BY-4.0");
        var spec = Licensed(DatasetRequests.Spec("web-demo", domain, 100, minHuman: 0.95, baseRef: v1.Ref, seed: 3));

        var refused = await _trainer.PostAsJsonAsync("/v1/datasets", spec);
        var larger = await _trainer.PostAsJsonAsync("/v1/datasets", spec with { Target = new DatasetTarget(Documents: 700) });
        var relaxed = await _trainer.AssembleAsync(spec with { MinHumanShare = 0.65 });

        var problem = await refused.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        var detail = problem.GetProperty("detail").GetString();
        Assert.Equal(["minHumanShare", "maxSyntheticShare"], problem.GetProperty("shortfalls").EnumerateArray().Select(f => f.GetProperty("constraint").GetString()));
        Assert.Contains("Lower minHumanShare to 0.65 or less and raise maxSyntheticShare to 0.35 or more", detail);
        Assert.Contains("register or admit 595 more human documents that match the filters and raise the target to 700", detail);
        Assert.DoesNotContain("Raise the target to at least 700", detail);
        Assert.All(problem.GetProperty("shortfalls").EnumerateArray(), f => Assert.Contains("Lower minHumanShare to 0.65 or less", f.GetProperty("explanation").GetString()));
        var largerDetail = (await larger.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix")).GetProperty("detail").GetString();
        Assert.Contains("Register or admit 595 more human documents that match the filters", largerDetail);
        Assert.Contains("No smaller target works: on this base these shares need a version of at least 700 documents.", largerDetail);
        Assert.DoesNotContain("lower the target", largerDetail, StringComparison.OrdinalIgnoreCase);
        var docs = await _trainer.DocumentsAsync(relaxed.Ref);
        Assert.Equal(100, docs.Count);
        Assert.True(docs.Share("human") >= 0.65);
    }

    public static TheoryData<string, string> BadSpecs() => new()
    {
        { """{"target": {"documents": 10}, "minHumanShare": 0.5}""", "dataset is missing" },
        { """{"dataset": "x", "minHumanShare": 0.5}""", "target needs exactly one of documents and tokens" },
        { """{"dataset": "x", "target": {"documents": 10, "tokens": 10}, "minHumanShare": 0.5}""", "target needs exactly one" },
        { """{"dataset": "x", "target": {"documents": 10}}""", "minHumanShare is missing" },
        { """{"dataset": "x", "target": {"documents": 10}, "minHumanShare": 1.5}""", "minHumanShare 1.5 is not a share" },
        { """{"dataset": "x", "target": {"documents": 10}, "minHumanShare": 0.5, "unknown": {"admit": "maybe"}}""", "unknown.admit 'maybe'" },
        { """{"dataset": "x", "target": {"documents": 10}, "minHumanShare": 0.5, "filters": {"classes": ["robot"]}}""", "filters.classes[0] 'robot'" },
        { """{"dataset": "x", "target": {"documents": 10}, "minHumanShare": 0.5, "filters": {"languages": ["english!"]}}""", "not a BCP 47 tag" },
        { """{"dataset": "x", "target": {"documents": 10}, "minHumanShare": 0.5, "nearDuplicates": {"threshold": 0.2}}""", "nearDuplicates.threshold 0.2" },
        { """{"dataset": "x", "base": "x@0", "target": {"documents": 10}, "minHumanShare": 0.5}""", "is not a dataset version" },
        { """{"dataset": "x", "target": {"documents": 10}, "minHumanShare": 0.5, "filters": {"generators": ["writer@"]}}""", "filters.generators[0]: generator 'writer@' is not of the form name@version" },
    };

    [Theory]
    [MemberData(nameof(BadSpecs))]
    public async Task ABadSpecIsRejectedWithTheFieldThatIsWrong(string body, string expected)
    {
        var response = await _trainer.PostAsync("/v1/datasets", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest, "invalid_dataset_spec");
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ABaseThatDoesNotExistIsUnprocessableAndUnknownVersionsAreNotFound()
    {
        var unknownBase = await _trainer.PostAsJsonAsync("/v1/datasets", DatasetRequests.Spec("orphan", "example.org", 10, 0.5, baseRef: "nobody@7"));
        var missing = await _trainer.GetAsync("/v1/datasets/nobody@7");
        var malformed = await _trainer.GetAsync("/v1/datasets/NOT%20A%20REF");

        await unknownBase.ProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown_base_version");
        await missing.ProblemAsync(HttpStatusCode.NotFound, "not_found");
        await malformed.ProblemAsync(HttpStatusCode.BadRequest, "invalid_dataset_ref");
    }

    [Fact]
    public async Task TrainersAndAdminsAssembleAndEveryReaderReads()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 5);
        var spec = DatasetRequests.Spec("roles", domain, 5, minHuman: 1);

        var byCurator = await registry.Client("curator").PostAsJsonAsync("/v1/datasets", spec);
        var byCrawler = await registry.Client("crawler").PostAsJsonAsync("/v1/datasets", spec);
        var version = await _trainer.AssembleAsync(spec);
        var readByCurator = await registry.Client("curator").GetAsync($"/v1/datasets/{version.Id}");
        var readByCrawler = await registry.Client("crawler").GetAsync($"/v1/datasets/{version.Id}");

        var forbidden = await byCurator.ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("trainer", forbidden.GetProperty("detail").GetString());
        await byCrawler.ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, readByCurator.StatusCode);
        await readByCrawler.ProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("test-trainer", version.RequestedBy);
    }

    [Fact]
    public async Task DocumentsStreamInVersionOrderAndResumeFromAnOffset()
    {
        var domain = DatasetRequests.NewDomain();
        var registered = await _crawler.RegisterAsync(domain, "human", 12, language: "en", licence: "CC0-1.0");
        var version = await _trainer.AssembleAsync(DatasetRequests.Spec("stream", domain, 12, minHuman: 1));

        var all = await _trainer.DocumentsAsync(version.Ref);
        var tail = await _trainer.DocumentsAsync(version.Ref, offset: 7);
        var page = await _trainer.GetStringAsync($"/v1/datasets/{version.Ref}/documents?offset=3&limit=2&text=false");
        var negative = await _trainer.GetAsync($"/v1/datasets/{version.Ref}/documents?offset=-1");

        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)i), all.Select(d => d.Offset));
        Assert.Equal(all.Skip(7), tail);
        Assert.Equal(registered.Select(r => r.Id).Order(), all.Select(d => d.Id).Order());
        Assert.All(all, d => Assert.StartsWith("human document", d.Text));
        Assert.All(all, d => Assert.Equal((domain, "en", "CC0-1.0"), (d.SourceDomain, d.Language, d.Licence)));
        Assert.Equal(2, page.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("\"offset\":3", page);
        Assert.Contains("\"text\":null", page);
        await negative.ProblemAsync(HttpStatusCode.BadRequest, "invalid_offset");
    }

    [Fact]
    public async Task ADocumentTheDetectorAbstainedOnStaysUnknownAndTheUnknownPolicyReadsTheScoresItRecorded()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 4);
        var abstained = await _crawler.RegisterAsync(domain, null, 4);
        double[] pHuman = [0.99, 0.97, 0.5, 0.02];
        await registry.GetService<AssertionWriter>().AppendAsync([
            .. abstained.Select((d, i) => new NewAssertion(d.Id, AssertionKind.Detector, "provenance-detector@2.0.0", ProvenanceClass.Unknown,
                EvidenceJson: $$"""{"p_human": {{pHuman[i]}}, "class": "unknown", "confidence": null}""")),
        ], CancellationToken.None);
        var excluded = DatasetRequests.Spec("abstained", domain, 4, minHuman: 0.5);
        var admitted = DatasetRequests.Spec("abstained", domain, 7, minHuman: 0.5) with { Unknown = new UnknownDocumentsSpec("detector", HumanAtLeast: 0.95, SyntheticAtLeast: 0.95) };

        var without = await _trainer.AssembleAsync(excluded);
        var with = await _trainer.AssembleAsync(admitted);

        var curator = registry.Client("curator");
        var doc = await curator.GetJsonAsync<DocumentResponse>($"/v1/documents/{abstained[0].Id}");
        Assert.Equal("unknown", doc.Class);
        Assert.DoesNotContain(doc.Assertions, a => a.Effective);
        Assert.DoesNotContain(await _trainer.DocumentsAsync(without.Ref), d => abstained.Any(a => a.Id == d.Id));
        var counted = (await _trainer.DocumentsAsync(with.Ref)).Where(d => abstained.Any(a => a.Id == d.Id)).ToList();
        Assert.Equal(2, counted.Count(d => d.CountedAs == "human"));
        Assert.Equal(1, counted.Count(d => d.CountedAs == "synthetic"));
        Assert.Equal(3, counted.Count);
    }

    [Fact]
    public async Task DocumentsOfUnknownProvenanceCountOnlyWhenTheSpecAdmitsThemOnDetectorScores()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 6);
        var declaredUnknown = await _crawler.RegisterAsync(domain, "unknown", 6);
        var undeclared = await _crawler.RegisterAsync(domain, null, 2);
        var writer = registry.GetService<AssertionWriter>();
        double[] scores = [0.99, 0.97, 0.5, 0.5, 0.02, 0.01];
        await writer.AppendAsync([
            .. declaredUnknown.Select((d, i) => new NewAssertion(d.Id, AssertionKind.Detector, "detector@1", scores[i] >= 0.5 ? ProvenanceClass.Human : ProvenanceClass.Synthetic,
                Math.Max(scores[i], 1 - scores[i]), EvidenceJson: $$"""{"p_human": {{scores[i]}}}""")),
            .. undeclared.Select(d => new NewAssertion(d.Id, AssertionKind.Detector, "detector@1", ProvenanceClass.Human, 0.98, EvidenceJson: """{"p_human": 0.98}""")),
        ], CancellationToken.None);
        var excluded = DatasetRequests.Spec("unknowns", domain, 10, minHuman: 0.5);
        var admitted = DatasetRequests.Spec("unknowns", domain, 12, minHuman: 0.5) with { Unknown = new UnknownDocumentsSpec("detector", HumanAtLeast: 0.95, SyntheticAtLeast: 0.95) };

        var refused = await _trainer.PostAsJsonAsync("/v1/datasets", excluded);
        var version = await _trainer.AssembleAsync(admitted);
        var docs = await _trainer.DocumentsAsync(version.Ref);
        var curator = registry.Client("curator");

        var problem = await refused.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        Assert.Contains("6 human documents in the registry match the filters", problem.GetProperty("detail").GetString());
        Assert.Equal("human", (await curator.GetJsonAsync<DocumentResponse>($"/v1/documents/{undeclared[0].Id}")).Class);
        Assert.Equal("unknown", (await curator.GetJsonAsync<DocumentResponse>($"/v1/documents/{declaredUnknown[0].Id}")).Class);
        Assert.Equal(2, docs.Count(d => d.Class == "unknown" && d.CountedAs == "human"));
        Assert.Equal(2, docs.Count(d => d.Class == "unknown" && d.CountedAs == "synthetic"));
        Assert.Equal(undeclared.Select(u => u.Id).Order(), docs.Where(d => undeclared.Any(u => u.Id == d.Id)).Select(d => d.Id).Order());
        Assert.Equal(6, version.Manifest.CollapseRisk.Accumulation.DetectorAdmitted);
        Assert.Contains(version.Manifest.CollapseRisk.Warnings, w => w.Contains("detector scores alone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RequireAnchorsAdmitsModelTextOnlyWhenOneOfItsHumanRootsIsInTheMix()
    {
        var anchors = DatasetRequests.NewDomain();
        var elsewhere = DatasetRequests.NewDomain();
        var derived = DatasetRequests.NewDomain();
        var inMix = await _crawler.RegisterAsync(anchors, "human", 1);
        var outOfMix = await _crawler.RegisterAsync(elsewhere, "human", 1);
        var child = await _crawler.RegisterAsync(derived, "synthetic", 1, "w@1", _ => [new(inMix[0].Id, Relation: "paraphrase_of")]);
        var grandchild = await _crawler.RegisterAsync(derived, "synthetic", 1, "w@1", _ => [new(child[0].Id, Relation: "translation_of")]);
        var stray = await _crawler.RegisterAsync(derived, "synthetic", 1, "w@1", _ => [new(outOfMix[0].Id, Relation: "paraphrase_of")]);
        var v1 = await _trainer.AssembleAsync(DatasetRequests.Spec("anchored", anchors, 1, minHuman: 1));
        var anchored = DatasetRequests.Spec("anchored", derived, 3, minHuman: 0.25, baseRef: v1.Ref) with { RequireAnchors = true };

        var version = await _trainer.AssembleAsync(anchored);
        var tooMany = await _trainer.PostAsJsonAsync("/v1/datasets", anchored with { Target = new DatasetTarget(Documents: 4) });
        var unanchored = await _trainer.AssembleAsync(anchored with { Target = new DatasetTarget(Documents: 4), RequireAnchors = false });

        var ids = (await _trainer.DocumentsAsync(version.Ref)).Select(d => d.Id).ToList();
        Assert.Equal(inMix[0].Id, ids[0]);
        Assert.Equal(new[] { child[0].Id, grandchild[0].Id }.Order(), ids.Skip(1).Order());
        var problem = await tooMany.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        Assert.Contains("requireAnchors left out 1 model-written documents", problem.GetProperty("detail").GetString());
        Assert.Contains(stray[0].Id, (await _trainer.DocumentsAsync(unanchored.Ref)).Select(d => d.Id));
    }

    [Fact]
    public async Task NearDuplicatesAreLeftOutWhenTheSpecAsks()
    {
        var domain = DatasetRequests.NewDomain();
        var passage = string.Join(" ", Enumerable.Range(0, 200).Select(i => $"word{i}"));
        var texts = new[] { passage, passage.Replace("word100 ", "changed ", StringComparison.Ordinal), "an entirely different text about something else altogether, with its own words" };
        var docs = await _crawler.RegisterAsync(domain, "human", 3, text: i => texts[i]);
        var spec = DatasetRequests.Spec("near", domain, 2, minHuman: 1) with { NearDuplicates = new NearDuplicatesSpec(0.8) };

        var version = await _trainer.AssembleAsync(spec);
        var all = await _trainer.PostAsJsonAsync("/v1/datasets", spec with { Target = new DatasetTarget(Documents: 3) });
        var withoutRemoval = await _trainer.AssembleAsync(spec with { Target = new DatasetTarget(Documents: 3), NearDuplicates = null });

        var ids = (await _trainer.DocumentsAsync(version.Ref)).Select(d => d.Id).ToList();
        Assert.Contains(docs[2].Id, ids);
        Assert.Single(ids, id => id == docs[0].Id || id == docs[1].Id);
        var problem = await all.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
        Assert.Contains("near-duplicates", problem.GetProperty("detail").GetString());
        Assert.Equal(3, withoutRemoval.Documents);
    }

    [Fact]
    public async Task FiltersChooseLanguageLicenceSourceAndFirstSeenWindow()
    {
        var domain = DatasetRequests.NewDomain();
        var sub = "news." + domain;
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var wanted = await _crawler.RegisterAsync(sub, "human", 3, language: "en-GB", licence: "CC-BY-4.0", crawledAt: t0.AddDays(10));
        await _crawler.RegisterAsync(sub, "human", 2, language: "de", licence: "CC-BY-4.0", crawledAt: t0.AddDays(10));
        await _crawler.RegisterAsync(sub, "human", 2, language: "en", licence: "proprietary", crawledAt: t0.AddDays(10));
        await _crawler.RegisterAsync(sub, "human", 2, language: "en", licence: "cc-by-4.0", crawledAt: t0.AddDays(40));
        await _crawler.RegisterAsync("elsewhere." + DatasetRequests.NewDomain(), "human", 2, language: "en", licence: "CC-BY-4.0", crawledAt: t0.AddDays(10));
        var spec = new DatasetSpec("filtered", Target: new DatasetTarget(Documents: 3), MinHumanShare: 1,
            Filters: new DatasetFilters(Languages: ["en"], Licences: ["cc-by-4.0"], SourceDomains: [domain], FirstSeenFrom: t0, FirstSeenBefore: t0.AddDays(30)));

        var version = await _trainer.AssembleAsync(spec);
        var more = await _trainer.PostAsJsonAsync("/v1/datasets", spec with { Target = new DatasetTarget(Documents: 4) });

        Assert.Equal(wanted.Select(w => w.Id).Order(), (await _trainer.DocumentsAsync(version.Ref)).Select(d => d.Id).Order());
        await more.ProblemAsync(HttpStatusCode.UnprocessableEntity, "infeasible_mix");
    }

    [Fact]
    public async Task ATokenTargetIsReachedAndItsSharesAreCountedInTokens()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 40);
        await _crawler.RegisterAsync(domain, "synthetic", 40, "w@1");
        var spec = new DatasetSpec("tokens", Target: new DatasetTarget(Tokens: 500), MinHumanShare: 0.75, Filters: new DatasetFilters(SourceDomains: [domain]));

        var version = await _trainer.AssembleAsync(spec);
        var docs = await _trainer.DocumentsAsync(version.Ref);

        Assert.True(version.Tokens >= 500);
        Assert.Equal(version.Tokens, docs.Sum(d => (long)d.Tokens));
        Assert.True(docs.Where(d => d.CountedAs == "human").Sum(d => (long)d.Tokens) >= 0.75 * version.Tokens);
        Assert.Equal("tokens", version.Manifest.Stats.Unit);
    }

    [Fact]
    public async Task AVersionCannotBeChangedOnceStored()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 2);
        var version = await _trainer.AssembleAsync(DatasetRequests.Spec("frozen", domain, 2, minHuman: 1));

        var update = await Assert.ThrowsAsync<PostgresException>(() => registry.ScalarAsync<object>("UPDATE dataset_versions SET human_share = 0 WHERE id = @id", ("id", version.Id)));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => registry.ScalarAsync<object>("DELETE FROM dataset_version_documents WHERE version_id = @id", ("id", version.Id)));

        Assert.Contains("dataset versions are immutable", update.MessageText);
        Assert.Contains("dataset versions are immutable", delete.MessageText);
    }

    [Fact]
    public async Task RegistrationRecordsTheHostOfTheFirstSightingAsTheSourceDomain()
    {
        var text = TestDocuments.UniqueText();
        var first = await _crawler.RegisterAsync(new RegisterDocumentRequest(text, "https://WWW.News.Example.org/a?b=1", CrawledAt: DateTimeOffset.UtcNow.AddDays(-2)));
        await _crawler.RegisterAsync(new RegisterDocumentRequest(text, "https://other.example/later"));
        var noUri = await _crawler.RegisterAsync(new RegisterDocumentRequest(TestDocuments.UniqueText()));

        Assert.Equal("news.example.org", await registry.ScalarAsync<string>("SELECT source_domain FROM documents WHERE id = @id", ("id", first.Id)));
        Assert.Equal(DBNull.Value, await registry.ScalarAsync<object>("SELECT source_domain FROM documents WHERE id = @id", ("id", noUri.Id)));
    }

    [Fact]
    public async Task ARedeliveredBusRequestFindsTheVersionTheFirstDeliveryMade()
    {
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 4);
        var assembler = registry.GetService<DatasetAssembler>();
        var request = Guid.NewGuid();

        var first = (AssemblyStored)await assembler.AssembleAsync(DatasetRequests.Spec("bus", domain, 3, 1, seed: 1), "trainer-job", CancellationToken.None, request);
        var redelivered = (AssemblyStored)await assembler.AssembleAsync(DatasetRequests.Spec("bus", domain, 3, 1, seed: 2), "trainer-job", CancellationToken.None, request);

        Assert.True(first.Created);
        Assert.False(redelivered.Created);
        Assert.Equal(first.Version.Id, redelivered.Version.Id);
        Assert.Equal(new DatasetAssembled(request, true, DatasetMapping.Summary(first.Version), null, null), redelivered.ToMessage(request));
        var refused = await assembler.AssembleAsync(DatasetRequests.Spec("bus", domain, 30, 1), "trainer-job", CancellationToken.None, Guid.NewGuid());
        var answer = refused.ToMessage(request);
        Assert.Equal((false, "infeasible_mix"), (answer.Succeeded, answer.ErrorCode));
        Assert.Contains("human documents are missing", answer.Error);
    }
}
