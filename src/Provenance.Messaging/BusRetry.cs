using System.Data.Common;

namespace Provenance.Messaging;

/// <summary>
/// The bus's layer of retries, the one policy every consumer endpoint of every host uses: a message whose consumer
/// failed on a transient database error (the writers' own short retries, <c>TransientRetry</c> in Provenance.Data,
/// could not finish it) is redelivered after 1, 5, 15 and 30 seconds, long enough for PostgreSQL to restart or fail
/// over; anything else will not succeed on a retry and goes to the error queue at once. Worst case per message:
/// <c>TransientRetry.MaxAttempts</c> × <see cref="Deliveries"/> transactions (docs/operations.md; a test pins it).
/// </summary>
public static class BusRetry
{
    /// <summary>Waits before each redelivery.</summary>
    public static IReadOnlyList<TimeSpan> Intervals { get; } =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    /// <summary>Deliveries of one message to its consumer, the first included.</summary>
    public static int Deliveries => Intervals.Count + 1;

    /// <summary>
    /// Transient database errors (the provider's judgement, through <see cref="DbException.IsTransient"/>, so this
    /// project needs no database driver) and timeouts.
    /// </summary>
    public static bool IsTransient(Exception e) => e is DbException { IsTransient: true } or TimeoutException;
}
