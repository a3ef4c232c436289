using System.CommandLine;
using Provenance.Cli.Documents;
using Provenance.Cli.Hosting;
using Provenance.Contracts.Assertions;
using Spectre.Console;

namespace Provenance.Cli.Assertions;

internal sealed class AssertCommand(CliContext cli)
{
    public Command Create()
    {
        var docRef = new Argument<string>("ref") { Description = "A document id or content hash." };
        var cls = new Option<string>("--class") { Description = "human, synthetic, mixed or unknown.", Required = true };
        var confidence = new Option<double?>("--confidence") { Description = "How sure you are, 0..1." };
        var generator = new Option<string?>("--generator") { Description = "The model, as name@version (synthetic or mixed only)." };
        var note = new Option<string?>("--note") { Description = "Why; kept with the assertion as evidence." };
        var command = new Command("assert", "As a curator, assert what a document is. Curator assertions take precedence.") { docRef, cls, confidence, generator, note };
        command.SetAction((parse, ct) => cli.RunAsync(parse, async (client, token) =>
        {
            var result = await client.AssertAsync(parse.GetValue(docRef)!,
                new AssertClassRequest(parse.GetValue(cls), parse.GetValue(confidence), parse.GetValue(generator), parse.GetValue(note)), token);
            if (parse.GetValue(cli.Json))
            {
                cli.PrintJson(result);
                return 0;
            }
            cli.Out.MarkupLineInterpolated($"assertion {result.Assertion.Id} recorded; the document is now [bold]{result.Class}[/], depth {DocumentCommands.Depth(result.Depth)}");
            return 0;
        }, ct));
        return command;
    }
}
