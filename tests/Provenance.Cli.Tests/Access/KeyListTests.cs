using System.Globalization;
using System.Text.Json;
using Provenance.Testing;

namespace Provenance.Cli.Tests.Access;

public sealed class KeyListTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    readonly CliRunner _cli = new(registry);

    [Fact]
    public async Task KeysListAndRevokeEscapeControlCharactersInAStoredName()
    {
        // The API refuses such names now; a key created before it did may hold one, so it is written directly.
        var created = JsonDocument.Parse((await _cli.RunAsync("admin", "keys", "create", "cli-escape", "--role", "crawler", "--json")).Out).RootElement;
        var id = created.GetProperty("id").GetInt32();
        await registry.ScalarAsync<int>("UPDATE api_keys SET name = @name WHERE id = @id RETURNING 1",
            ("name", "evil\u001b]0;owned\u0007\u009b2J"), ("id", id));

        var listed = await _cli.RunAsync("admin", "keys", "list");
        var revoked = await _cli.RunAsync("admin", "keys", "revoke", id.ToString(CultureInfo.InvariantCulture));

        Assert.Equal((0, 0), (listed.Exit, revoked.Exit));
        Assert.DoesNotContain(listed.Out + revoked.Out, c => char.IsControl(c) && c is not ('\n' or '\r'));
        Assert.Contains("evil\\u001B]0;owned\\u0007\\u009B2J", listed.Out);
        Assert.Contains("evil\\u001B]0;owned\\u0007\\u009B2J", revoked.Out);
    }
}
