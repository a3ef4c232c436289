using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Provenance.Contracts.Assertions;
using Provenance.Contracts.Documents;
using Provenance.Contracts.Webhooks;
using Provenance.Testing;

namespace Provenance.Api.Tests.Webhooks;

/// <summary>The API with the detector in process and webhook delivery polling fast, sending to a real receiver.</summary>
public sealed class WebhookFixture : ReceivingRegistryFixture<WebhookReceiver>
{
    protected override bool DetectorInProcess => true;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Webhooks:Source"] = "https://provenance.example.org/",
        // Short enough that a test sees a failed delivery retried within a second.
        ["Webhooks:PollInterval"] = "00:00:00.100",
        ["Webhooks:MinRetryDelay"] = "00:00:00.200",
        ["Webhooks:MaxRetryDelay"] = "00:00:01",
        ["Webhooks:Timeout"] = "00:00:02",
    };
}

public sealed class WebhookTests(WebhookFixture registry, ITestOutputHelper output) : IClassFixture<WebhookFixture>
{
    readonly HttpClient _admin = registry.Client("admin");
    readonly HttpClient _crawler = registry.Client("crawler");
    readonly HttpClient _curator = registry.Client("curator");
    readonly HttpClient _trainer = registry.Client("trainer");

    async Task<(string Hook, CreatedWebhookResponse Subscription)> SubscribeAsync(string name, params string[] types)
    {
        var hook = $"{name}-{Guid.NewGuid():N}";
        var response = await _admin.PostAsJsonAsync("/v1/webhooks", new CreateWebhookRequest(registry.Receiver.Url(hook), types, $"test {name}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (hook, (await response.Content.ReadFromJsonAsync<CreatedWebhookResponse>())!);
    }

    async Task<ReceivedWebhook> AcceptedAsync(string hook, string type, Func<JsonElement, bool> about)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (registry.Receiver.Received.FirstOrDefault(r => r.Hook == hook && r.Answered < 300 && r.Type == WebhookEventTypes.CloudEventsPrefix + type
                                                               && about(r.Data)) is { } found)
            {
                return found;
            }
            Assert.True(DateTime.UtcNow < deadline, $"no {type} was accepted by {hook} within 20 s.\n{registry.Log.Text}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task OnlyAdminsManageSubscriptionsAndBadInputGetsAProblemWithAStableCode()
    {
        var request = new CreateWebhookRequest("https://trainer.example.org/hooks", [WebhookEventTypes.DatasetVersionCreated]);

        var byRole = new Dictionary<string, HttpStatusCode>();
        foreach (var role in new[] { "crawler", "curator", "trainer" })
        {
            byRole[role] = (await registry.Client(role).PostAsJsonAsync("/v1/webhooks", request)).StatusCode;
        }
        var listedByTrainer = await _trainer.GetAsync("/v1/webhooks");
        var badUrls = new List<string?>();
        foreach (var url in new[] { "ftp://trainer.example.org/hooks", "/hooks", "not a url", "", $"https://example.org/{new string('a', 2048)}",
                                    "https://example.org/a\u0000b", "https://example.org/a\u001bb" })
        {
            badUrls.Add(await CodeAsync(await _admin.PostAsJsonAsync("/v1/webhooks", request with { Url = url })));
        }
        var unknownType = await _admin.PostAsJsonAsync("/v1/webhooks", request with { EventTypes = ["dataset.version.created", "document.deleted"] });
        var badDescription = await _admin.PostAsJsonAsync("/v1/webhooks", request with { Description = "trainer\u0000" });
        var longDescription = await _admin.PostAsJsonAsync("/v1/webhooks", request with { Description = new string('d', 201) });
        var noType = await _admin.PostAsJsonAsync("/v1/webhooks", request with { EventTypes = [] });
        var created = await _admin.PostAsJsonAsync("/v1/webhooks", request);
        var subscription = (await created.Content.ReadFromJsonAsync<CreatedWebhookResponse>())!;
        var listed = await _admin.GetStringAsync("/v1/webhooks");
        var deleted = await _admin.DeleteAsync($"/v1/webhooks/{subscription.Id}");
        var deletedAgain = await _admin.DeleteAsync($"/v1/webhooks/{subscription.Id}");

        Assert.All(byRole.Values, status => Assert.Equal(HttpStatusCode.Forbidden, status));
        Assert.Equal(HttpStatusCode.Forbidden, listedByTrainer.StatusCode);
        Assert.All(badUrls, code => Assert.Equal("invalid_webhook_url", code));
        var problem = await unknownType.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("invalid_event_type", HttpStatusCode.BadRequest), (problem.GetProperty("code").GetString(), unknownType.StatusCode));
        Assert.Equal("event type 'document.deleted' is not one of: dataset.version.created, document.class.changed, dataset.base.reclassified.",
            problem.GetProperty("detail").GetString());
        Assert.Equal("invalid_event_type", await CodeAsync(noType));
        Assert.Equal(("invalid_webhook_description", "invalid_webhook_description"), (await CodeAsync(badDescription), await CodeAsync(longDescription)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.StartsWith("whsec_", subscription.Secret);
        Assert.Equal(32, Convert.FromBase64String(subscription.Secret["whsec_".Length..]).Length);
        Assert.Contains($"\"id\":{subscription.Id}", listed);
        Assert.DoesNotContain(subscription.Secret, listed);
        Assert.DoesNotContain(subscription.Secret, registry.Log.Text);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
    }

    static async Task<string?> CodeAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
    }

    [Fact]
    public async Task ACuratorReclassifyingADocumentOfAStoredVersionIsDeliveredSignedAndRetriedUnderOneIdToEachSubscriberOfItsTypes()
    {
        var curation = await SubscribeAsync("curation", WebhookEventTypes.DocumentClassChanged, WebhookEventTypes.DatasetBaseReclassified);
        var versions = await SubscribeAsync("versions", WebhookEventTypes.DatasetVersionCreated);
        registry.Receiver.Fail(curation.Hook, 1);
        var domain = DatasetRequests.NewDomain();
        await _crawler.RegisterAsync(domain, "human", 6);
        var dataset = $"hooks-{Guid.NewGuid():N}"[..20];
        var version = await _trainer.AssembleAsync(DatasetRequests.Spec(dataset, domain, 4, minHuman: 0.5));
        var held = (await _trainer.DocumentsAsync(version.Ref, text: false)).First();

        var asserted = await _curator.PostAsJsonAsync($"/v1/documents/{held.Id}/assertions", new AssertClassRequest("mixed", Generator: "writer-b@2"));
        var changed = await AcceptedAsync(curation.Hook, WebhookEventTypes.DocumentClassChanged, d => d.GetProperty("documentId").GetInt64() == held.Id);
        var reclassified = await AcceptedAsync(curation.Hook, WebhookEventTypes.DatasetBaseReclassified, d => d.GetProperty("dataset").GetString() == dataset);
        var created = await AcceptedAsync(versions.Hook, WebhookEventTypes.DatasetVersionCreated, d => d.GetProperty("dataset").GetString() == dataset);

        asserted.EnsureSuccessStatusCode();
        var attempts = registry.Receiver.Received.Where(r => r.Hook == curation.Hook && r.Id == changed.Id).ToList();
        Assert.Equal([500, 204], attempts.Select(a => a.Answered));
        Assert.All(attempts, a => Assert.Equal(changed.Body, a.Body));
        Assert.All([.. attempts, reclassified], a => Assert.True(WebhookReceiver.Verify(a, curation.Subscription.Secret), "the signature does not verify"));
        Assert.False(WebhookReceiver.Verify(changed, versions.Subscription.Secret), "another subscriber's secret verified the signature");
        Assert.True(WebhookReceiver.Verify(created, versions.Subscription.Secret), "the signature does not verify");
        var e = changed.Event;
        Assert.Equal(("1.0", "io.provenance.document.class.changed", "https://provenance.example.org/", $"documents/{held.Id}", "application/json", changed.Id),
            (e.GetProperty("specversion").GetString(), e.GetProperty("type").GetString(), e.GetProperty("source").GetString(),
             e.GetProperty("subject").GetString(), e.GetProperty("datacontenttype").GetString(), e.GetProperty("id").GetString()));
        Assert.StartsWith("application/cloudevents+json", changed.Headers["content-type"]);
        Assert.Equal((held.ContentHash, "human", "mixed", "curator"), (changed.Data.GetProperty("contentHash").GetString(),
            changed.Data.GetProperty("from").GetString(), changed.Data.GetProperty("to").GetString(),
            changed.Data.GetProperty("decidedBy").GetProperty("kind").GetString()));
        Assert.Equal((version.Id, 1, version.ManifestHash, 1L, held.Id), (reclassified.Data.GetProperty("id").GetInt64(),
            reclassified.Data.GetProperty("version").GetInt32(), reclassified.Data.GetProperty("manifestHash").GetString(),
            reclassified.Data.GetProperty("changedDocuments").GetInt64(), reclassified.Data.GetProperty("documentIds")[0].GetInt64()));
        Assert.Equal((version.ManifestHash, 4L, $"datasets/{dataset}/versions/1"), (created.Data.GetProperty("manifestHash").GetString(),
            created.Data.GetProperty("documents").GetInt64(), created.Event.GetProperty("subject").GetString()));
        Assert.Equal(1.0, created.Data.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("class").GetString() == "human")
            .GetProperty("share").GetDouble());
        Assert.DoesNotContain(registry.Receiver.Received, r => r.Hook == versions.Hook && !r.Type.EndsWith(WebhookEventTypes.DatasetVersionCreated));
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE subscription_id = @s AND event_type <> @t",
            ("s", versions.Subscription.Id), ("t", WebhookEventTypes.DatasetVersionCreated)));
        output.WriteLine($"A delivered request (after one answered 500):\n{changed}");
        output.WriteLine($"\n{reclassified}");
    }

    [Fact]
    public async Task ADetectorVerdictThatDecidesAClassIsDeliveredAsAClassChangeDecidedByTheDetector()
    {
        var detection = await SubscribeAsync("detection", WebhookEventTypes.DocumentClassChanged);
        var texts = new[]
        {
            "Minutes of the allotment society: the committee met on Tuesday to review the budget for the coming year. Members raised concerns "
            + "about the water butts, and the chair promised a revised estimate before the next meeting.",
            "As an AI language model, I can certainly help you with that. Here is a comprehensive overview of the key considerations, "
            + "organized into clear sections for your convenience. In conclusion, it is important to note that every situation is unique.",
            "honestly the bus was late again so i walked, got soaked, and the shop had run out of the bread i like. tomorrow i'm taking the bike.",
        };

        // Each text with fixed id-like suffixes, not random ones: with a random suffix the detector's verdicts were random
        // too (it abstains on these texts as they are), and now and then it abstained on all of them.
        var suffixes = new Random(7);
        var documents = new List<DocumentResponse>();
        string Variant(string text)
        {
            var id = new byte[16];
            suffixes.NextBytes(id);
            return $"{text} {new Guid(id):N}";
        }
        foreach (var text in texts.SelectMany(t => Enumerable.Range(0, 4).Select(_ => Variant(t))))
        {
            var registered = await _crawler.RegisterAsync(text);
            documents.Add(await _curator.WaitForDetectorAsync(registered.Id, () => registry.Log.Text));
        }

        var decided = documents.Where(d => d.Class != "unknown").ToList();
        output.WriteLine($"decided by the detector: {decided.Count} of {documents.Count}");
        Assert.NotEmpty(decided);
        foreach (var d in decided)
        {
            var e = await AcceptedAsync(detection.Hook, WebhookEventTypes.DocumentClassChanged, x => x.GetProperty("documentId").GetInt64() == d.Id);
            Assert.Equal(("unknown", d.Class, "detector"), (e.Data.GetProperty("from").GetString(), e.Data.GetProperty("to").GetString(),
                e.Data.GetProperty("decidedBy").GetProperty("kind").GetString()));
            Assert.True(WebhookReceiver.Verify(e, detection.Subscription.Secret), "the signature does not verify");
        }
        foreach (var d in documents.Where(d => d.Class == "unknown"))
        {
            Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE subscription_id = @s AND payload::jsonb -> 'data' ->> 'documentId' = @d",
                ("s", detection.Subscription.Id), ("d", d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    [Fact]
    public async Task ASubscriberThatIsDownHoldsBackOnlyItsOwnEvents()
    {
        var down = await SubscribeAsync("down", WebhookEventTypes.DocumentClassChanged);
        var up = await SubscribeAsync("up", WebhookEventTypes.DocumentClassChanged);
        registry.Receiver.Fail(down.Hook, 1000);
        var docs = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText("a subscriber that is down"), "human");
            (await _curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new AssertClassRequest("mixed", Generator: "writer-b@2"))).EnsureSuccessStatusCode();
            docs.Add(doc.Id);
        }

        foreach (var id in docs)
        {
            await AcceptedAsync(up.Hook, WebhookEventTypes.DocumentClassChanged, d => d.GetProperty("documentId").GetInt64() == id);
        }
        var listed = await _admin.GetFromJsonAsync<List<WebhookResponse>>("/v1/webhooks");

        var downStatus = listed!.Single(h => h.Id == down.Subscription.Id).Deliveries;
        Assert.Equal((3L, 0L), (downStatus.Pending, downStatus.Delivered));
        Assert.Contains("answered 500", downStatus.LastError);
        Assert.DoesNotContain(registry.Receiver.Received, r => r.Hook == down.Hook && r.Answered < 300);
        await _admin.DeleteAsync($"/v1/webhooks/{down.Subscription.Id}");
    }

    [Fact]
    public async Task DeletingASubscriptionDropsItsUndeliveredEvents()
    {
        var gone = await SubscribeAsync("gone", WebhookEventTypes.DocumentClassChanged);
        registry.Receiver.Fail(gone.Hook, 1000);
        var doc = await _crawler.RegisterAsync(TestDocuments.UniqueText("a deleted subscriber"), "human");
        (await _curator.PostAsJsonAsync($"/v1/documents/{doc.Id}/assertions", new AssertClassRequest("mixed", Generator: "writer-b@2"))).EnsureSuccessStatusCode();
        var pending = await registry.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE subscription_id = @s AND sent_at IS NULL", ("s", gone.Subscription.Id));

        var deleted = await _admin.DeleteAsync($"/v1/webhooks/{gone.Subscription.Id}");

        Assert.Equal(1, pending);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(0, await registry.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE subscription_id = @s", ("s", gone.Subscription.Id)));
    }
}
