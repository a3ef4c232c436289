using System.Globalization;
using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Cli.Tests.Webhooks;

public sealed class WebhookCommandTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly CliRunner _cli = new(registry);

    [Fact]
    public async Task AnAdminAddsListsAndRemovesASubscriptionAndTheSecretIsPrintedOnlyWhenAdded()
    {
        var added = await _cli.RunAsync("admin", "webhooks", "add", "https://trainer.example.org/hooks", "--event", "dataset.version.created",
            "--event", "dataset.base.reclassified", "--description", "trainer", "--json");
        var created = JsonDocument.Parse(added.Out).RootElement;
        var id = created.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var secret = created.GetProperty("secret").GetString()!;

        var listed = await _cli.RunAsync("admin", "webhooks", "list");
        var refused = await _cli.RunAsync("curator", "webhooks", "list");
        var unknown = await _cli.RunAsync("admin", "webhooks", "add", "https://trainer.example.org/hooks", "--event", "dataset.deleted");
        var removed = await _cli.RunAsync("admin", "webhooks", "remove", id);
        var listedAfter = await _cli.RunAsync("admin", "webhooks", "list", "--json");

        Assert.Equal((0, 0, 0, 0), (added.Exit, listed.Exit, removed.Exit, listedAfter.Exit));
        Assert.StartsWith("whsec_", secret);
        Assert.Contains("https://trainer.example.org/hooks", listed.Out);
        Assert.Contains("dataset.version.created, dataset.base.reclassified", listed.Out);
        Assert.DoesNotContain(secret, listed.Out);
        Assert.NotEqual(0, refused.Exit);
        Assert.NotEqual(0, unknown.Exit);
        Assert.Contains("is not one of: dataset.version.created, document.class.changed, dataset.base.reclassified", unknown.Err + unknown.Out);
        Assert.Contains($"webhook {id} removed", removed.Out);
        Assert.DoesNotContain($"\"id\": {id},", listedAfter.Out);
    }
}
