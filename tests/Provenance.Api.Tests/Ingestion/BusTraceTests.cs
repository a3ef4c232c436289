using System.Collections.Concurrent;
using System.Diagnostics;
using Provenance.Contracts.Ingestion;
using Provenance.Messaging.Ingestion;
using Provenance.Testing;

namespace Provenance.Api.Tests.Ingestion;

/// <summary>
/// One bus batch is one trace: the crawler's send, the registry's consumer, the registration's transaction and its
/// COPY share a trace id, the consumer's side joined to the crawler's through the message headers.
/// </summary>
public sealed class BusTraceTests(BusRegistryFixture registry) : IClassFixture<BusRegistryFixture>
{
    const string CrawlerName = "Provenance.Tests.Crawler";

    static readonly ActivitySource Crawler = new(CrawlerName);

    [Fact]
    public async Task ABusBatchIsOneTraceFromTheCrawlersSendToTheCopy()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "MassTransit" or "Provenance" or "Npgsql" or CrawlerName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var sink = await BusBatchSink.StartAsync(TestBroker.Address, TimeSpan.FromSeconds(20), CancellationToken.None, registry.Queue);
        var batch = new RegisterDocuments(Guid.NewGuid(), "crawler-trace",
            [.. Enumerable.Range(0, 3).Select(i => new IncomingDocument(TestDocuments.UniqueText($"traced {i}"), $"https://trace.example/{i}", DateTimeOffset.UtcNow))]);

        ActivityTraceId traceId;
        ActivitySpanId crawlId;
        // The crawler's own span for the batch, as a crawler with tracing would have; everything below it is the registry's.
        using (var crawl = Crawler.StartActivity("crawler.batch")!)
        {
            (traceId, crawlId) = (crawl.TraceId, crawl.SpanId);
            await sink.SendAsync(batch, CancellationToken.None);
        }

        var trace = await WaitForAsync(spans, traceId, "registration.copy");
        TestContext.Current.TestOutputHelper?.WriteLine(Describe(trace));
        var send = Assert.Single(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer && s.ParentSpanId == crawlId);
        var receive = Assert.Single(trace, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer && s.ParentSpanId == send.SpanId);
        var registration = Assert.Single(trace, s => s.OperationName == "registration");
        var write = Assert.Single(trace, s => s.OperationName == "registration.write");
        var copy = Assert.Single(trace, s => s.OperationName == "registration.copy");
        Assert.Equal(3, copy.GetTagItem("provenance.documents"));
        Assert.True(IsBelow(registration, receive, trace), "the registration runs inside the consumer's span, which continues the crawler's send");
        Assert.True(IsBelow(write, registration, trace), "the transaction runs inside the registration");
        Assert.True(IsBelow(copy, write, trace), "the direct COPY runs inside the registration's transaction span");
        Assert.Contains(trace, s => s.Source.Name == "Npgsql" && s.DisplayName.StartsWith("COPY", StringComparison.Ordinal) && IsBelow(s, copy, trace));
    }

    /// <summary>The spans of <paramref name="traceId"/> once one named <paramref name="last"/> has ended (and a moment for its parents).</summary>
    static async Task<List<Activity>> WaitForAsync(ConcurrentBag<Activity> spans, ActivityTraceId traceId, string last)
    {
        for (var i = 0; i < 100 && !spans.Any(s => s.TraceId == traceId && s.OperationName == last); i++)
        {
            await Task.Delay(100);
        }
        // The consumer's span ends after it has answered, which may be after the sink saw the answer.
        await Task.Delay(500);
        return [.. spans.Where(s => s.TraceId == traceId).OrderBy(s => s.StartTimeUtc)];
    }

    static bool IsBelow(Activity span, Activity ancestor, List<Activity> trace)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var p); parent = p.ParentSpanId)
        {
            if (p.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The trace as an indented tree: name, source, duration, span id and parent id.</summary>
    static string Describe(List<Activity> trace)
    {
        var children = trace.ToLookup(s => s.ParentSpanId);
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        var lines = new List<string> { $"trace {trace[0].TraceId}: {trace.Count} spans" };
        void Walk(Activity span, int depth)
        {
            lines.Add($"{new string(' ', 2 * depth)}{span.DisplayName} [{span.Source.Name}, {span.Kind}] "
                + $"{span.Duration.TotalMilliseconds:F1} ms  span {span.SpanId} parent {(span.ParentSpanId == default ? "-" : span.ParentSpanId.ToString())}");
            foreach (var child in children[span.SpanId].OrderBy(c => c.StartTimeUtc))
            {
                Walk(child, depth + 1);
            }
        }
        foreach (var root in trace.Where(s => !ids.Contains(s.ParentSpanId)))
        {
            Walk(root, 0);
        }
        return string.Join('\n', lines);
    }
}
