using System.CommandLine;
using Provenance.Cli.Hosting;
using Spectre.Console;

namespace Provenance.Cli.Access;

internal sealed class KeyCommands(CliContext cli)
{
    public Command Create()
    {
        var name = new Argument<string>("name") { Description = "Who holds the key, such as crawler-commoncrawl." };
        var role = new Option<string>("--role") { Description = "crawler, curator, trainer or admin.", Required = true };
        var create = new Command("create", "Create a key (admin). Its secret is printed once.") { name, role };
        create.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var key = await client.CreateKeyAsync(parse.GetValue(name)!, parse.GetValue(role)!, token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(key);
                return 0;
            }
            cli.Out.MarkupLineInterpolated($"key {key.Id} '{Terminal.Line(key.Name)}' ({key.Role}): [bold]{key.Key}[/]");
            cli.Out.MarkupLine("[yellow]Store it now: the registry keeps only its hash.[/]");
            return 0;
        }, ct));

        var list = new Command("list", "List keys, without secrets (admin).");
        list.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var keys = await client.ListKeysAsync(token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(keys);
                return 0;
            }
            var table = new Table().AddColumns("id", "name", "role", "prefix", "created", "revoked");
            foreach (var k in keys)
            {
                table.AddRow(k.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Terminal.Escape(k.Name), k.Role, k.Prefix, $"{k.CreatedAt:u}", k.RevokedAt is { } r ? $"{r:u}" : "");
            }
            cli.Out.Write(table);
            return 0;
        }, ct));

        var id = new Argument<int>("id") { Description = "The key's id (see keys list)." };
        var revoke = new Command("revoke", "Revoke a key (admin). It stops working at once.") { id };
        revoke.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var key = await client.RevokeKeyAsync(parse.GetValue(id), token);
            cli.Out.MarkupLineInterpolated($"key {key.Id} '{Terminal.Line(key.Name)}' revoked");
            return 0;
        }, ct));

        return new Command("keys", "Manage API keys.") { create, list, revoke };
    }
}
