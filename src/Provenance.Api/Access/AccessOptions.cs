using Provenance.Hosting.Settings;

namespace Provenance.Api.Access;

/// <summary>The <c>Access</c> configuration section: how failed API keys are throttled.</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>
    /// Unknown or revoked keys one client address may send within <see cref="FailedKeyWindowSeconds"/>; after that its
    /// requests without a recently verified key get 429 until the window ends, without a database lookup.
    /// </summary>
    public int MaxFailedKeys { get; set; } = 20;

    /// <summary>The window, in seconds, that failed keys are counted in (it starts with the first failure).</summary>
    public int FailedKeyWindowSeconds { get; set; } = 60;

    /// <summary>
    /// Client addresses whose failures are remembered at once, which bounds the memory the counting takes (about
    /// 200 bytes each). Past it, the addresses least recently seen are forgotten first.
    /// </summary>
    public int MaxTrackedAddresses { get; set; } = 100_000;

    /// <summary>Checked when the host starts (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(AccessOptions options, SettingFailures failures)
    {
        failures.Range(nameof(MaxFailedKeys), options.MaxFailedKeys, 1, 1_000_000);
        failures.Range(nameof(FailedKeyWindowSeconds), options.FailedKeyWindowSeconds, 1, 86_400);
        failures.Range(nameof(MaxTrackedAddresses), options.MaxTrackedAddresses, 1, 100_000_000);
    }
}
