using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Provenance.Cli.Hosting;
using Provenance.Client;
using Provenance.Messaging;
using Provenance.Messaging.Ingestion;
using Spectre.Console;

namespace Provenance.Cli.Ingestion;

internal sealed class IngestCommand(CliContext cli)
{
    public Command Create()
    {
        var path = new Argument<string>("path") { Description = "A JSONL file, or a folder of *.jsonl / *.ndjson files, one document per line." };
        var broker = new Option<string?>("--broker") { Description = "RabbitMQ URI, such as amqp://guest:guest@127.0.0.1:5672/ (env PROVENANCE_BROKER). Without one, batches go to the HTTP batch endpoint." };
        var crawler = new Option<string?>("--crawler") { Description = "Crawler id recorded on sightings and declarations (default: user@host)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Lines per batch.", DefaultValueFactory = _ => 5000 };
        var inFlight = new Option<int>("--in-flight") { Description = "Batches awaiting confirmation at once.", DefaultValueFactory = _ => 4 };
        var journal = new Option<string?>("--journal") { Description = "Where confirmed batches are remembered, for resuming (default: PATH.ingest-journal)." };
        var timeout = new Option<int>("--confirm-timeout") { Description = "Seconds to wait for a batch's confirmation before sending it again.", DefaultValueFactory = _ => 120 };
        var brokerTimeout = new Option<int>("--broker-timeout")
        {
            Description = "Seconds a batch's sends may keep failing (the broker unreachable) before the run stops with an error.",
            DefaultValueFactory = _ => (int)BusBatchSink.DefaultBrokerTimeout.TotalSeconds,
        };
        var rejects = new Option<string?>("--rejects") { Description = "Write every rejected line (file, line, reason) to this JSONL file." };
        var command = new Command("ingest",
            "Register crawled documents from JSONL in batches, over the message bus (or HTTP). Resumable: confirmed batches are not sent again.")
        {
            path, broker, crawler, batchSize, inFlight, journal, timeout, brokerTimeout, rejects,
        };
        command.SetAction(async (parse, ct) =>
        {
            var input = parse.GetValue(path)!;
            if (!File.Exists(input) && !Directory.Exists(input))
            {
                return cli.Fail($"no such file or folder: {input}");
            }
            if (parse.GetValue(batchSize) is < 1 or > 10_000)
            {
                return cli.Fail("--batch-size must be between 1 and 10,000.");
            }
            var brokerUri = parse.GetValue(broker) ?? Environment.GetEnvironmentVariable("PROVENANCE_BROKER");
            var crawlerId = parse.GetValue(crawler) ?? $"{Environment.UserName}@{Environment.MachineName}";
            var journalPath = parse.GetValue(journal) ?? Path.TrimEndingDirectorySeparator(Path.GetFullPath(input)) + ".ingest-journal";
            var source = new JsonlDocumentSource(input, parse.GetValue(batchSize));

            if (!string.IsNullOrWhiteSpace(brokerUri))
            {
                BrokerAddress address;
                try
                {
                    address = BrokerAddress.Parse(brokerUri, parse.GetValue(broker) is null ? "PROVENANCE_BROKER" : "--broker");
                }
                catch (FormatException e)
                {
                    return cli.Fail(e.Message);
                }
                if (parse.GetValue(brokerTimeout) < 1)
                {
                    return cli.Fail("--broker-timeout must be at least 1 second.");
                }
                cli.Err.MarkupLineInterpolated($"[grey]sending over RabbitMQ at {address} as '{Terminal.Line(crawlerId)}'; journal {journalPath}[/]");
                try
                {
                    await using var sink = await BusBatchSink.StartAsync(address, TimeSpan.FromSeconds(parse.GetValue(timeout)), ct,
                        brokerTimeout: TimeSpan.FromSeconds(parse.GetValue(brokerTimeout)));
                    return await RunAsync(sink, source, journalPath, crawlerId, parse, inFlight, rejects, ct);
                }
                catch (Exception e) when (e is BatchRefusedException or BrokerUnreachableException)
                {
                    return cli.Fail(e.Message);
                }
            }
            return await cli.RunAsync(parse, async (client, token) =>
            {
                cli.Err.MarkupLineInterpolated($"[grey]no --broker: sending to {client.BaseAddress}v1/documents/batch; journal {journalPath}[/]");
                await using var sink = new HttpBatchSink(client);
                return await RunAsync(sink, source, journalPath, crawlerId, parse, inFlight, rejects, token);
            }, ct);
        });
        return command;
    }

    async Task<int> RunAsync(IBatchSink sink, JsonlDocumentSource source, string journalPath, string crawlerId, ParseResult parse,
        Option<int> inFlight, Option<string?> rejects, CancellationToken ct)
    {
        using var journal = new IngestJournal(journalPath);
        var ingestor = new Ingestor(sink, journal, crawlerId, parse.GetValue(inFlight));
        IngestSummary summary;
        if (cli.Out.Profile.Capabilities.Interactive)
        {
            summary = await cli.Out.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask("reading", maxValue: Math.Max(1, source.TotalBytes()));
                    var progress = new Progress<IngestProgress>(p =>
                    {
                        task.Value = p.BytesRead;
                        task.Description = Describe(p);
                    });
                    return await ingestor.RunAsync(source, progress, ct);
                });
        }
        else
        {
            var last = DateTime.UtcNow;
            var progress = new Progress<IngestProgress>(p =>
            {
                if (DateTime.UtcNow - last > TimeSpan.FromSeconds(5))
                {
                    last = DateTime.UtcNow;
                    cli.Err.WriteLine($"{100.0 * p.BytesRead / Math.Max(1, p.TotalBytes):F0}%  {Describe(p)}");
                }
            });
            summary = await ingestor.RunAsync(source, progress, ct);
        }
        Print(summary);
        if (parse.GetValue(rejects) is { } rejectsPath)
        {
            await File.WriteAllLinesAsync(rejectsPath,
                summary.Rejections.Select(r => JsonSerializer.Serialize(new { file = r.File, line = r.Line, code = r.Code, reason = r.Reason })), ct);
        }
        return 0;
    }

    static string Describe(IngestProgress p)
    {
        var skipped = p.Skipped > 0 ? FormattableString.Invariant($"  skipped {p.Skipped:N0}") : "";
        var resent = p.Resent > 0 ? FormattableString.Invariant($"  resent {p.Resent}") : "";
        return FormattableString.Invariant($"sent {p.Sent:N0}  created {p.Created:N0}  existing {p.Existing:N0}  rejected {p.Rejected:N0}{skipped}{resent}");
    }

    void Print(IngestSummary s)
    {
        var table = new Table().AddColumns("sent", "created", "existing", "rejected", "skipped (confirmed earlier)", "re-sent batches", "time", "docs/s");
        var rate = s.Sent / Math.Max(0.001, s.Elapsed.TotalSeconds);
        string[] row =
        [
            s.Sent.ToString("N0", CultureInfo.InvariantCulture), s.Created.ToString("N0", CultureInfo.InvariantCulture),
            s.Existing.ToString("N0", CultureInfo.InvariantCulture), s.Rejected.ToString("N0", CultureInfo.InvariantCulture),
            s.Skipped.ToString("N0", CultureInfo.InvariantCulture), s.Resent.ToString("N0", CultureInfo.InvariantCulture),
            s.Elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture), rate.ToString("N0", CultureInfo.InvariantCulture),
        ];
        table.AddRow(row);
        cli.Out.Write(table);
        foreach (var r in s.Rejections.Take(10))
        {
            cli.Out.MarkupLineInterpolated($"[yellow]rejected[/] {Path.GetFileName(r.File)}:{r.Line}: {Terminal.Line(r.Reason)}");
        }
        if (s.Rejected > 10)
        {
            cli.Out.MarkupLineInterpolated($"[yellow]… and {s.Rejected - 10:N0} more; --rejects FILE writes them all.[/]");
        }
    }
}
