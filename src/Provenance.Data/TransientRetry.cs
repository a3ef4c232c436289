using Microsoft.Extensions.Logging;
using Npgsql;

namespace Provenance.Data;

/// <summary>
/// The writers' layer of retries: re-runs a whole transaction when PostgreSQL aborted it for a reason a second run a
/// moment later resolves (a deadlock between concurrent writers, a serialization failure, a pooled connection that had
/// died). Every caller's transaction is idempotent, so running it again is safe. It retries only briefly: an outage
/// outlasts a fraction of a second, and riding one out is the bus's layer (<c>BusRetry</c> in Provenance.Messaging,
/// which redelivers a batch these attempts could not finish); an HTTP caller gets the error and retries itself.
/// The two layers multiply; docs/operations.md states the product, and a test pins it.
/// </summary>
public static partial class TransientRetry
{
    /// <summary>Transaction attempts per call, the first included.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The failures worth running the transaction again for (Npgsql's own judgement of the error).</summary>
    public static bool IsTransient(Exception e) => e is NpgsqlException { IsTransient: true };

    public static async Task RunAsync(Func<Task> transaction, ILogger logger, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transaction();
                return;
            }
            catch (Exception e) when (IsTransient(e) && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                LogRetry(logger, (e as PostgresException)?.SqlState ?? e.GetType().Name, attempt, e);
                // Jittered, so that the two sides of a deadlock do not meet again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(20, 100) * attempt), ct);
            }
        }
    }

    public static async Task<T> RunAsync<T>(Func<Task<T>> transaction, ILogger logger, CancellationToken ct)
    {
        T result = default!;
        await RunAsync(async () => { result = await transaction(); }, logger, ct);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Transaction failed with {Reason} (attempt {Attempt}); running it again")]
    static partial void LogRetry(ILogger logger, string reason, int attempt, Exception exception);
}
