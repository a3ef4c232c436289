using System.CommandLine;
using System.Globalization;
using Provenance.Cli.Hosting;
using Spectre.Console;

namespace Provenance.Cli.Webhooks;

internal sealed class WebhookCommands(CliContext cli)
{
    public Command Create()
    {
        var url = new Argument<string>("url") { Description = "Where events are POSTed: an absolute http or https URL." };
        var events = new Option<string[]>("--event")
        {
            Description = "An event type to receive (repeat it): dataset.version.created, document.class.changed, dataset.base.reclassified.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var description = new Option<string?>("--description") { Description = "Who the subscriber is, for the people who manage it." };
        var add = new Command("add", "Subscribe a URL to webhook events (admin). Its signing secret is printed once.") { url, events, description };
        add.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var created = await client.CreateWebhookAsync(parse.GetValue(url)!, parse.GetValue(events)!, parse.GetValue(description), token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(created);
                return 0;
            }
            cli.Out.MarkupLineInterpolated($"webhook {created.Id} → {Terminal.Line(created.Url)} ({string.Join(", ", created.EventTypes)})");
            cli.Out.MarkupLineInterpolated($"signing secret: [bold]{created.Secret}[/]");
            cli.Out.MarkupLine("[yellow]Give it to the subscriber now: the registry never shows it again.[/]");
            return 0;
        }, ct));

        var list = new Command("list", "List webhook subscriptions, without secrets, with their delivery status (admin).");
        list.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var hooks = await client.ListWebhooksAsync(token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(hooks);
                return 0;
            }
            var table = new Table().AddColumns("id", "url", "events", "description", "pending", "delivered", "last error");
            foreach (var h in hooks)
            {
                table.AddRow(h.Id.ToString(CultureInfo.InvariantCulture), Terminal.Escape(h.Url), string.Join(", ", h.EventTypes),
                    Terminal.Escape(h.Description ?? ""), h.Deliveries.Pending.ToString(CultureInfo.InvariantCulture),
                    h.Deliveries.Delivered.ToString(CultureInfo.InvariantCulture), Terminal.Escape(h.Deliveries.LastError ?? ""));
            }
            cli.Out.Write(table);
            return 0;
        }, ct));

        var id = new Argument<long>("id") { Description = "The subscription's id (see webhooks list)." };
        var remove = new Command("remove", "Delete a webhook subscription and the events not yet delivered to it (admin).") { id };
        remove.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            await client.DeleteWebhookAsync(parse.GetValue(id), token);
            cli.Out.MarkupLineInterpolated($"webhook {parse.GetValue(id)} removed");
            return 0;
        }, ct));

        return new Command("webhooks", "Manage webhook subscriptions.") { add, list, remove };
    }
}
