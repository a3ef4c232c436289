using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Provenance.Deploy.Tests.Kubernetes;

/// <summary>
/// What <c>kubectl kustomize</c> makes of deploy/k8s, parsed, with every object checked against the schema of its
/// apiVersion and kind. The renderer is Debian's kubectl (package kubernetes-client), which deploy/scripts/test.sh
/// unpacks and names in <see cref="KubectlVariable"/>; the schemas are npm packages in Kubernetes/schemas, which
/// test.sh installs, read by Kubernetes/schemas/validate.mjs. Without either the tests fail and say so: skipping
/// them would let a broken manifest through unseen.
/// </summary>
public sealed class RenderedKustomization
{
    public const string KubectlVariable = "PROVENANCE_TEST_KUBECTL";

    /// <summary>The kustomizations an operator applies, in order, for each way of running the registry.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Variants = new Dictionary<string, string[]>
    {
        ["cpu"] = ["deploy/k8s/base"],
        ["gpu"] = ["deploy/k8s/base", "deploy/k8s/gpu"],
    };

    static readonly string Root = Repository.Root;
    static readonly Dictionary<string, Lazy<RenderedKustomization>> Rendered =
        Variants.Keys.ToDictionary(v => v, v => new Lazy<RenderedKustomization>(() => Render(Variants[v])));

    RenderedKustomization(IReadOnlyList<JsonObject> objects, IReadOnlyList<string> problems)
    {
        Objects = objects;
        Problems = problems;
    }

    public IReadOnlyList<JsonObject> Objects { get; }

    /// <summary>Every object that does not match the schema of its apiVersion and kind, with the first reason.</summary>
    public IReadOnlyList<string> Problems { get; }

    public static RenderedKustomization Of(string variant) => Rendered[variant].Value;

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => Name(o) == name)
        ?? throw new InvalidOperationException($"The rendered manifests have no {kind} named {name}.");

    public static string Name(JsonNode o) => (string)o["metadata"]!["name"]!;

    static RenderedKustomization Render(string[] kustomizations)
    {
        var kubectl = Environment.GetEnvironmentVariable(KubectlVariable) is { Length: > 0 } k ? k
            : throw new InvalidOperationException(
                $"The Kubernetes manifest tests render deploy/k8s with Debian's kubectl (package kubernetes-client): run "
                + $"deploy/scripts/test.sh, which unpacks it, or set {KubectlVariable} to a kubectl.");
        var schemas = Path.Combine(Root, "tests", "Provenance.Deploy.Tests", "Kubernetes", "schemas");
        if (!Directory.Exists(Path.Combine(schemas, "node_modules")))
        {
            throw new InvalidOperationException(
                $"The Kubernetes schemas are not installed in {Path.GetRelativePath(Root, schemas)}: run deploy/scripts/test.sh, "
                + "which installs them with npm ci, or run npm ci there.");
        }

        var yaml = string.Join("\n---\n", kustomizations.Select(dir => Run(kubectl, ["kustomize", Path.Combine(Root, dir)], Root, null)));
        var validated = JsonNode.Parse(Run("node", ["validate.mjs"], schemas, yaml))!;
        return new RenderedKustomization(
            [.. validated["objects"]!.AsArray().Select(o => o!.AsObject())],
            [.. validated["problems"]!.AsArray().Select(p => (string)p!)]);
    }

    static string Run(string program, string[] arguments, string workingDirectory, string? input)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process? started;
        try
        {
            started = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} could not be started ({e.Message}): run deploy/scripts/test.sh, which installs it.", e);
        }
        using var process = started ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(input ?? "");
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{error.Result}");
        }
        return output.Result;
    }

}
