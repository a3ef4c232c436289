using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Provenance.Testing;

namespace Provenance.Data.Tests;

/// <summary>
/// The writers' retry layer, against errors a real PostgreSQL raises: a serialization failure (SQLSTATE 40001) is
/// transient and run again, a data error (22000) is not.
/// </summary>
public class TransientRetryTests
{
    static async Task RunAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(TestDatabase.ServerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    static string Raise(string sqlState) => $"DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '{sqlState}'; END $$";

    [Fact]
    public async Task ATransientFailureIsRunAgainAndThenSucceeds()
    {
        var attempts = 0;

        var answer = await TransientRetry.RunAsync(async () =>
        {
            attempts++;
            await RunAsync(attempts == 1 ? Raise("40001") : "SELECT 1");
            return "committed";
        }, NullLogger.Instance, CancellationToken.None);

        Assert.Equal("committed", answer);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task ATransientFailureThatPersistsIsTriedMaxAttemptsTimesThenThrown()
    {
        var attempts = 0;

        var error = await Assert.ThrowsAsync<PostgresException>(() => TransientRetry.RunAsync(async () =>
        {
            attempts++;
            await RunAsync(Raise("40P01"));
        }, NullLogger.Instance, CancellationToken.None));

        Assert.Equal("40P01", error.SqlState);
        Assert.Equal(TransientRetry.MaxAttempts, attempts);
    }

    [Fact]
    public async Task AnErrorThatIsNotTransientIsNeverRunAgain()
    {
        var attempts = 0;

        await Assert.ThrowsAsync<PostgresException>(() => TransientRetry.RunAsync(async () =>
        {
            attempts++;
            await RunAsync(Raise("22000"));
        }, NullLogger.Instance, CancellationToken.None));

        Assert.Equal(1, attempts);
    }
}
