using Provenance.Api.Delivery;
using Provenance.Hosting.Settings;

namespace Provenance.Api.Webhooks;

/// <summary>
/// The <c>Webhooks</c> configuration section: how events are delivered to the subscriptions admins create with
/// <c>POST /v1/webhooks</c>. Delivery is always on; with no subscription nothing is written and nothing is sent.
/// </summary>
public sealed class WebhookOptions : IOutboxSchedule
{
    public const string Section = "Webhooks";

    /// <summary>The CloudEvents <c>source</c> of every event: the registry's public URL, or any URI that names it.</summary>
    public string Source { get; set; } = "urn:provenance:registry";

    /// <summary>Events sent per claim of the outbox, across all subscribers.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How often the sender looks for new events when it has found none.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The first retry's delay after a failed delivery; it doubles with each further failure of the same event.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two tries of one event: a subscriber down for hours is tried this often.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>One request's limit: a subscriber that does not answer in it counts as failed, and is tried again.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => true;

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(WebhookOptions options, SettingFailures failures)
    {
        if (!Uri.TryCreate(options.Source, UriKind.RelativeOrAbsolute, out _) || string.IsNullOrWhiteSpace(options.Source))
        {
            failures.Add(nameof(Source), $"is '{options.Source}'; it must be a URI reference that names the registry, such as https://provenance.example.org.");
        }
        OutboxSchedule.Check(options, Section, failures);
    }
}
