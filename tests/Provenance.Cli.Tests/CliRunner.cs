using Provenance.Cli.Hosting;
using Provenance.Client;
using Provenance.Testing;
using Spectre.Console;

namespace Provenance.Cli.Tests;

/// <summary>
/// Runs the real command tree in-process against a registry host, capturing what it prints. Each run builds its own
/// tree around its own consoles and client, so runs in parallel test classes never see each other's output.
/// </summary>
public sealed class CliRunner(RegistryFixture registry)
{
    public async Task<(int Exit, string Out, string Err)> RunAsync(string role, params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var cli = new CliContext(Console(output), Console(errors), (url, key) =>
        {
            var http = new HttpClient(registry.CreateHandler()) { BaseAddress = url };
            http.DefaultRequestHeaders.Add(ProvenanceClient.ApiKeyHeader, key);
            return new ProvenanceClient(http);
        });
        var exit = await CliApp.Build(cli).Parse([.. args, "--api-key", registry.Key(role), "--url", "http://registry.test/"]).InvokeAsync();
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
