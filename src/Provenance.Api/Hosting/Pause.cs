namespace Provenance.Api.Hosting;

/// <summary>The wait between a background service's passes.</summary>
internal static class Pause
{
    /// <summary>Waits <paramref name="delay"/>; false when the host stopped meanwhile, and the service should return.</summary>
    public static async Task<bool> ForAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
