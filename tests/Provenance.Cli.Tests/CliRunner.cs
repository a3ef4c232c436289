using Provenance.Cli.Hosting;
using Provenance.Client;
using Provenance.Testing;
using Spectre.Console;

// The CLI writes to process-wide consoles, so its tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Provenance.Cli.Tests;

/// <summary>Runs the real command tree in-process against a registry host, capturing what it prints.</summary>
public sealed class CliRunner(RegistryFixture registry)
{
    public async Task<(int Exit, string Out, string Err)> RunAsync(string role, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        CliContext.Out = Console(output);
        CliContext.Err = Console(errors);
        CliContext.ClientFactory = (url, key) =>
        {
            var http = new HttpClient(registry.CreateHandler()) { BaseAddress = url };
            http.DefaultRequestHeaders.Add(ProvenanceClient.ApiKeyHeader, key);
            return new ProvenanceClient(http);
        };
        var exit = await CliApp.Build().Parse([.. args, "--api-key", registry.Key(role), "--url", "http://registry.test/"]).InvokeAsync();
        return (exit, output.ToString(), errors.ToString());
    }

    static IAnsiConsole Console(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        return console;
    }
}
