using System.CommandLine;
using System.Net.Http;
using Provenance.Client;
using Spectre.Console;

namespace Provenance.Cli.Hosting;

/// <summary>
/// What one invocation of the command tree shares: the options every registry command takes, where output goes, how
/// the registry is reached, and the error handling around each command. One instance per command tree, handed to every
/// command, so two invocations in one process (tests run them in parallel) never see each other's consoles or clients.
/// </summary>
internal sealed class CliContext(IAnsiConsole output, IAnsiConsole errors, Func<Uri, string, ProvenanceClient> clientFactory)
{
    /// <summary>The process's own consoles and a client over HTTP: what the <c>provenance</c> executable runs with.</summary>
    public static CliContext ForConsole() => new(
        Wide(AnsiConsole.Console, Console.IsOutputRedirected),
        Wide(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }), Console.IsErrorRedirected),
        (url, key) => ProvenanceClient.Create(url, key));

    public Option<string> Url { get; } = new("--url")
    {
        Description = "The registry's address (env PROVENANCE_URL, default http://127.0.0.1:5080).",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PROVENANCE_URL") is { Length: > 0 } u ? u : "http://127.0.0.1:5080",
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        // No default value factory: help would print the secret from the environment.
        Description = "Your API key (env PROVENANCE_API_KEY).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print the registry's JSON answer instead of a table.",
        Recursive = true,
    };

    /// <summary>Standard output; tests give a recording console.</summary>
    public IAnsiConsole Out { get; } = output;

    /// <summary>Standard error.</summary>
    public IAnsiConsole Err { get; } = errors;

    // Redirected output has no terminal width; 80 columns would wrap every content hash.
    static IAnsiConsole Wide(IAnsiConsole console, bool redirected)
    {
        if (redirected)
        {
            console.Profile.Width = Math.Max(console.Profile.Width, 160);
        }
        return console;
    }

    /// <summary>Runs <paramref name="body"/> with a client, turning registry and network errors into messages and exit codes.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<ProvenanceClient, CancellationToken, Task<int>> body, CancellationToken ct)
    {
        if (!Uri.TryCreate(parse.GetValue(Url), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            return Fail($"--url '{parse.GetValue(Url)}' is not an http(s) address such as http://127.0.0.1:5080.");
        }
        var key = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable("PROVENANCE_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
        {
            return Fail("no API key: pass --api-key or set PROVENANCE_API_KEY. The run script prints the admin key and keeps it in .data/admin.key.");
        }
        try
        {
            return await body(clientFactory(url, key.Trim()), ct);
        }
        catch (ProvenanceApiException e)
        {
            return Fail($"{e.Title}: {e.Detail}" + (e.Code is null ? "" : $" [{e.Code}]"));
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            return Fail($"cannot reach the registry at {url}: {e.Message} Is it running? Start it with deploy/scripts/run.sh, or pass --url.");
        }
        catch (UserError e)
        {
            return Fail(e.Message);
        }
    }

    public int Fail(string message)
    {
        Err.MarkupLineInterpolated($"[red]error:[/] {Terminal.Line(message)}");
        return 1;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as JSON straight to the console's writer: the console itself wraps lines at its
    /// width, which would put line breaks inside any string longer than that and break the JSON.
    /// </summary>
    public void PrintJson<T>(T value) =>
        Out.Profile.Out.Writer.WriteLine(System.Text.Json.JsonSerializer.Serialize(value, JsonOptions));

    static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new(System.Text.Json.JsonSerializerDefaults.Web) { WriteIndented = true };
}

/// <summary>A mistake in what the user asked for; its message is printed as is.</summary>
internal sealed class UserError(string message) : Exception(message);
