using System.Net;
using Provenance.Hosting.Settings;

namespace Provenance.Worker.Hosting;

/// <summary>
/// The <c>Worker</c> section: where the worker serves its probes and metrics (<c>/health/live</c>,
/// <c>/health/ready</c>, <c>/metrics</c>). Loopback by default, so nothing is reachable from outside the machine until
/// an operator says so; in Kubernetes, where the kubelet probes the pod's address, set <c>Worker__HealthAddress=0.0.0.0</c>.
/// </summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>The IP address the endpoint listens on: 127.0.0.1 by default; 0.0.0.0 (or ::) for every interface.</summary>
    public string HealthAddress { get; set; } = "127.0.0.1";

    /// <summary>The port; 0 lets the system pick a free one (tests).</summary>
    public int HealthPort { get; set; } = 8081;

    /// <summary>Where to listen, or null while the address or port is not one (<see cref="Check"/> says which).</summary>
    internal IPEndPoint? EndPointOrNull() =>
        IPAddress.TryParse(HealthAddress, out var address) && HealthPort is >= 0 and <= IPEndPoint.MaxPort ? new(address, HealthPort) : null;

    /// <summary>Checked when the host is built (<see cref="SettingsHosting"/>).</summary>
    internal static void Check(WorkerOptions options, SettingFailures failures)
    {
        if (!IPAddress.TryParse(options.HealthAddress, out _))
        {
            failures.Add(nameof(HealthAddress), $"is '{options.HealthAddress}'; it must be an IP address, "
                + "such as 127.0.0.1 (this machine only, the default) or 0.0.0.0 (every interface, for Kubernetes probes).");
        }
        failures.Range(nameof(HealthPort), options.HealthPort, 0, IPEndPoint.MaxPort, "a TCP port; 0 picks a free one");
    }
}
