using Provenance.Api.Delivery;
using Provenance.Data.OpenLineage;
using Provenance.Hosting.Settings;

namespace Provenance.Api.OpenLineage;

/// <summary>
/// The <c>OpenLineage</c> configuration section: where dataset assemblies' run events go. Off unless <see cref="Url"/> or
/// <see cref="File"/> is set; while it is off nothing is written to the outbox and nothing is sent anywhere.
/// </summary>
public sealed class OpenLineageOptions : IOutboxSchedule
{
    public const string Section = "OpenLineage";

    /// <summary>The path of the <c>provenance_composition</c> facet's JSON Schema in the repository.</summary>
    public const string CompositionSchemaPath = "docs/openlineage/ProvenanceCompositionDatasetFacet.json";

    /// <summary>
    /// The receiver's base URL (Marquez: <c>http://marquez:5000</c>); events are POSTed to <see cref="Endpoint"/> under it,
    /// one JSON event per request, as OpenLineage's HTTP transport does.
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The path under <see cref="Url"/>: Marquez's, which DataHub and OpenMetadata's OpenLineage endpoints also accept.</summary>
    public string Endpoint { get; set; } = "api/v1/lineage";

    /// <summary>Sent as <c>Authorization: Bearer …</c> when set (Marquez behind a proxy, DataHub's token).</summary>
    public string? ApiKey { get; set; }

    /// <summary>A file to append the events to instead, one JSON event per line (OpenLineage's file transport).</summary>
    public string? File { get; set; }

    /// <summary>The namespace of the jobs (<c>assemble.&lt;dataset&gt;</c>) and of the datasets.</summary>
    public string Namespace { get; set; } = "provenance";

    /// <summary>
    /// Where this release's repository files are served, at its tag (for example
    /// <c>https://git.example.org/provenance/raw/v1.4.0</c>): the events' <c>producer</c>, and the base of the
    /// <c>provenance_composition</c> facet's <c>_schemaURL</c> (<see cref="CompositionSchemaPath"/> under it). Unset, both
    /// are <c>urn:provenance:</c> names, valid URIs that resolve nowhere.
    /// </summary>
    public string? SourceUrl { get; set; }

    /// <summary>Events sent per claim of the outbox. Assemblies write two events each, so a batch rarely fills.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary>How often the sender looks for new events when it has found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first retry's delay after a failed send; it doubles with each further failure of the same event.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two tries of one event: a receiver down for hours is tried this often.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>One send's limit: a receiver that does not answer in it counts as down.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(Url) || !string.IsNullOrWhiteSpace(File);

    /// <summary>What the assembler writes into its events; null while OpenLineage is off.</summary>
    public LineageSettings? ToSettings() => !Enabled ? null : new LineageSettings(
        Namespace,
        SourceUrl is { Length: > 0 } source ? source : "urn:provenance:registry",
        SourceUrl is { Length: > 0 } s ? $"{s.TrimEnd('/')}/{CompositionSchemaPath}#/$defs/ProvenanceCompositionDatasetFacet"
            : "urn:provenance:openlineage:ProvenanceCompositionDatasetFacet:1-0-0");

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(OpenLineageOptions options, SettingFailures failures)
    {
        if (!string.IsNullOrWhiteSpace(options.Url) && !string.IsNullOrWhiteSpace(options.File))
        {
            failures.Add(nameof(File), $"is '{options.File}' while {Section}:Url is set too; events go to one place: set one of them.");
        }
        if (!string.IsNullOrWhiteSpace(options.Url)
            && (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add(nameof(Url), $"is '{options.Url}'; it must be an absolute http or https URL, such as http://marquez:5000.");
        }
        if (!string.IsNullOrWhiteSpace(options.SourceUrl) && !Uri.TryCreate(options.SourceUrl, UriKind.Absolute, out _))
        {
            failures.Add(nameof(SourceUrl), $"is '{options.SourceUrl}'; it must be an absolute URL of the repository's files at a tag.");
        }
        failures.NotBlank(nameof(Namespace), options.Namespace, "name the OpenLineage namespace of the registry's jobs and datasets, such as provenance");
        OutboxSchedule.Check(options, Section, failures);
    }
}
