namespace Provenance.Client;

/// <summary>
/// How a long stream from the registry rides out failures: a dropped connection, a cut-short response, or a 5xx answer
/// (the registry restarting, its database failing over or timing out). The stream is asked again from the first item
/// it has not delivered, after a delay that doubles from <paramref name="FirstDelay"/> up to <paramref name="MaxDelay"/>;
/// it gives up after <paramref name="Retries"/> failures in a row without a new item, so a registry that is down stops
/// an export within about a minute instead of hanging it, while one that recovers never costs the items already read.
/// </summary>
public sealed record StreamRetry(int Retries, TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    /// <summary>Five retries 1, 2, 4, 8 and 16 seconds apart: 31 seconds for the registry to come back.</summary>
    public static StreamRetry Default { get; } = new(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first).</summary>
    public TimeSpan DelayBefore(int retry) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks * (1L << Math.Min(retry - 1, 20))));
}
