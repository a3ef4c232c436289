using Provenance.Api.Delivery;
using Provenance.Api.OpenLineage;

namespace Provenance.Api.Tests.OpenLineage;

public class LineageBackoffTests
{
    [Theory]
    [InlineData(1, 0.8, 1)]
    [InlineData(2, 1.6, 2)]
    [InlineData(4, 6.4, 8)]
    [InlineData(9, 204.8, 256)]
    [InlineData(10, 240, 300)]
    [InlineData(1000, 240, 300)]
    public void TheRetryDelayDoublesWithEachFailedAttemptUpToTheMaximumLessUpToAFifth(int attempts, double leastSeconds, double mostSeconds)
    {
        var options = new OpenLineageOptions { MinRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromMinutes(5) };

        var delays = Enumerable.Range(0, 200).Select(_ => OutboxSchedule.Backoff(options, attempts).TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, leastSeconds, mostSeconds));
    }
}
