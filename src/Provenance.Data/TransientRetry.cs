using Microsoft.Extensions.Logging;
using Npgsql;

namespace Provenance.Data;

/// <summary>
/// Re-runs a whole transaction when PostgreSQL aborted it for a reason that goes away on its own: a deadlock
/// between concurrent writers, a serialization failure, a dropped connection. Every caller's transaction is
/// idempotent, so running it again is safe.
/// </summary>
public static partial class TransientRetry
{
    public const int MaxAttempts = 5;

    public static async Task RunAsync(Func<Task> transaction, ILogger logger, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await transaction();
                return;
            }
            catch (NpgsqlException e) when (e.IsTransient && attempt < MaxAttempts && !ct.IsCancellationRequested)
            {
                LogRetry(logger, (e as PostgresException)?.SqlState ?? e.GetType().Name, attempt, e);
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
