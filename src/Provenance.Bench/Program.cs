using System.CommandLine;
using Provenance.Bench.Datasets;
using Provenance.Bench;
using Provenance.Bench.Ingestion;
using Provenance.Bench.Registry;
using Provenance.Bench.Scale;

var connection = new Option<string>("--connection")
{
    Description = "Connection string of an empty database to benchmark in (env PROVENANCE_BENCH_CONNECTION).",
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PROVENANCE_BENCH_CONNECTION") ?? "",
    Recursive = true,
};

var partitions = new Option<int>("--partitions")
{
    Description = "Hash partitions per hot table the registry is migrated with (Database:Partitions; bench.sh gives it to the API too); 1 for plain tables.",
    DefaultValueFactory = _ => 1,
    Recursive = true,
};

var batches = new Option<int>("--batches") { Description = "Timed batches per throughput figure.", DefaultValueFactory = _ => 10 };
var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 10_000 };
var bytes = new Option<int>("--document-bytes") { Description = "Approximate size of each document.", DefaultValueFactory = _ => 1_000 };
var dag = new Option<int>("--dag-documents") { Description = "Documents in the lineage DAG the queries run on.", DefaultValueFactory = _ => 1_000_000 };
var queries = new Option<int>("--queries") { DefaultValueFactory = _ => 1_000 };
var maxDepth = new Option<int>("--max-depth") { DefaultValueFactory = _ => 32 };
var apiUrl = new Option<string?>("--api-url") { Description = "Also measure through a running API at this address." };
var apiKey = new Option<string?>("--api-key") { Description = "Key for --api-url (crawler and reader roles, e.g. admin)." };

var registry = new Command("registry", "Batch registration throughput and ancestor-query latency on a generated DAG.")
{
    batches, batchSize, bytes, dag, queries, maxDepth, apiUrl, apiKey,
};
registry.SetAction(async (parse, ct) =>
{
    var cs = parse.GetValue(connection);
    if (string.IsNullOrWhiteSpace(cs))
    {
        Console.Error.WriteLine("error: no database: pass --connection or run deploy/scripts/bench.sh, which starts one.");
        return 1;
    }
    var url = parse.GetValue(apiUrl);
    await new RegistryBenchmark(new RegistryBenchmarkOptions(cs, parse.GetValue(batches), parse.GetValue(batchSize), parse.GetValue(bytes),
        parse.GetValue(dag), parse.GetValue(queries), parse.GetValue(maxDepth), url is null ? null : new Uri(url), parse.GetValue(apiKey), parse.GetValue(partitions))).RunAsync(ct);
    return 0;
});

var documents = new Option<int>("--documents") { Description = "Documents to ingest.", DefaultValueFactory = _ => 1_000_000 };
var ingestBytes = new Option<int>("--document-bytes") { DefaultValueFactory = _ => 1_000 };
var ingestBatch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 5_000 };
var inFlight = new Option<int>("--in-flight") { DefaultValueFactory = _ => 4 };
var broker = new Option<string>("--broker") { Description = "RabbitMQ URI the registry consumes from.", Required = true };
var cli = new Option<string>("--cli") { Description = "Path to provenance.dll (the crawler side).", Required = true };
var consumerPid = new Option<int?>("--consumer-pid") { Description = "PID of the consuming API process, to report its memory." };
var work = new Option<string>("--work-dir") { Description = "Where the JSONL input is generated.", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "provenance-bench") };
var ingest = new Command("ingest", "End-to-end ingest through RabbitMQ against a raw binary COPY of the same rows, and the consumer's memory.")
{
    documents, ingestBytes, ingestBatch, inFlight, broker, cli, consumerPid, work,
};
ingest.SetAction(async (parse, ct) =>
{
    var cs = parse.GetValue(connection);
    if (string.IsNullOrWhiteSpace(cs))
    {
        Console.Error.WriteLine("error: no database: pass --connection or run deploy/scripts/bench.sh, which starts one.");
        return 1;
    }
    await new IngestBenchmark(new IngestBenchmarkOptions(cs, parse.GetValue(documents), parse.GetValue(ingestBytes), parse.GetValue(ingestBatch),
        parse.GetValue(inFlight), parse.GetValue(broker)!, parse.GetValue(cli)!, parse.GetValue(consumerPid), parse.GetValue(work)!)).RunAsync(ct);
    return 0;
});

var registryDocuments = new Option<long>("--registry-documents") { Description = "Documents (metadata) seeded into the registry.", DefaultValueFactory = _ => 10_000_000 };
var mixDocuments = new Option<long>("--mix-documents") { Description = "Target of the assembled version.", DefaultValueFactory = _ => 1_000_000 };
var minHuman = new Option<double>("--min-human-share") { DefaultValueFactory = _ => 0.7 };
var maxSynthetic = new Option<double>("--max-synthetic-share") { DefaultValueFactory = _ => 0.25 };
var mixMaxDepth = new Option<int?>("--mix-max-depth") { Description = "maxDepth of the spec.", DefaultValueFactory = _ => 3 };
var maxGenerator = new Option<double?>("--max-generator-share") { DefaultValueFactory = _ => 0.1 };
var domainCount = new Option<int>("--domains") { Description = "Source domains in the seeded registry.", DefaultValueFactory = _ => 20_000 };
var noExport = new Option<bool>("--no-export") { Description = "Skip the export throughput figures." };
var textBytes = new Option<int>("--document-bytes") { Description = "Text size of the exported documents.", DefaultValueFactory = _ => 1_000 };
var datasetsApi = new Option<string?>("--api-url") { Description = "A running API, for the export figures." };
var datasetsKey = new Option<string?>("--api-key") { Description = "Key for --api-url (trainer or admin)." };
var exportDir = new Option<string>("--work-dir") { Description = "Where exports are written (and removed).", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "provenance-bench-datasets") };
var assemblyOnly = new Option<bool>("--assembly-only") { Description = "Assemble the mix and print its phases, without the baselines or the export (for profiling the selection)." };
var exportRuns = new Option<int>("--export-runs") { Description = "Times the version is exported (each: time to first byte, JSONL, Parquet).", DefaultValueFactory = _ => 1 };
var datasets = new Command("datasets", "Dataset assembly on a large registry against ORDER BY random(), and export throughput to JSONL and Parquet.")
{
    registryDocuments, mixDocuments, minHuman, maxSynthetic, mixMaxDepth, maxGenerator, domainCount, noExport, textBytes, datasetsApi, datasetsKey, exportDir, exportRuns, assemblyOnly,
};
datasets.SetAction(async (parse, ct) =>
{
    var cs = parse.GetValue(connection);
    if (string.IsNullOrWhiteSpace(cs))
    {
        Console.Error.WriteLine("error: no database: pass --connection or run deploy/scripts/bench.sh, which starts one.");
        return 1;
    }
    var url = parse.GetValue(datasetsApi);
    await new DatasetsBenchmark(new DatasetsBenchmarkOptions(cs, parse.GetValue(registryDocuments), parse.GetValue(mixDocuments), parse.GetValue(minHuman),
        parse.GetValue(maxSynthetic), parse.GetValue(mixMaxDepth), parse.GetValue(maxGenerator), parse.GetValue(domainCount), !parse.GetValue(noExport),
        parse.GetValue(textBytes), url is null ? null : new Uri(url), parse.GetValue(datasetsKey), parse.GetValue(exportDir)!, parse.GetValue(exportRuns), parse.GetValue(partitions), parse.GetValue(assemblyOnly))).RunAsync(ct);
    return 0;
});

var scaleDocuments = new Option<long>("--documents") { Description = "Documents seeded (metadata and lineage, by binary COPY).", DefaultValueFactory = _ => 100_000_000 };
var scaleMix = new Option<long?>("--mix") { Description = "Documents in the assembled version (default: a tenth of --documents)." };
var lineageShare = new Option<double>("--lineage-share") { Description = "Share of seeded documents derived from 1-3 earlier ones.", DefaultValueFactory = _ => 0.3 };
var register = new Option<int>("--register") { Description = "Documents registered through the writer at 0, half and all seeded.", DefaultValueFactory = _ => 50_000 };
var scaleBatch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 10_000 };
var scaleBytes = new Option<int>("--document-bytes") { Description = "Text size of the registered documents.", DefaultValueFactory = _ => 1_000 };
var scaleQueries = new Option<int>("--queries") { Description = "Ancestor queries on random documents with lineage.", DefaultValueFactory = _ => 1_000 };
var scratch = new Option<string?>("--scratch") { Description = "Folder on the filesystem that holds the database: the run refuses to start when it lacks the space." };
var ancestorsOnly = new Option<bool>("--ancestors-only") { Description = "Seed (unless the registry at --connection already holds documents) and time only the ancestor walks." };
var planOnly = new Option<bool>("--plan-only") { Description = "Print the disk the run needs and the free space under --scratch, and exit (2 when short)." };
var scale = new Command("scale", "The registry at scale: registration throughput at 0, half and all seeded, ancestors on the whole DAG, a mix vs ORDER BY random(), disk per document.")
{
    scaleDocuments, scaleMix, lineageShare, register, scaleBatch, scaleBytes, scaleQueries, maxDepth, domainCount, minHuman, maxSynthetic, mixMaxDepth,
    maxGenerator, scratch, planOnly, ancestorsOnly,
};
scale.SetAction(async (parse, ct) =>
{
    var n = parse.GetValue(scaleDocuments);
    var options = new ScaleBenchmarkOptions(parse.GetValue(connection)!, n, parse.GetValue(partitions),
        new MixRules(parse.GetValue(scaleMix) ?? n / 10, parse.GetValue(minHuman), parse.GetValue(maxSynthetic), parse.GetValue(mixMaxDepth), parse.GetValue(maxGenerator)),
        parse.GetValue(lineageShare), parse.GetValue(register), parse.GetValue(scaleBatch), parse.GetValue(scaleBytes), parse.GetValue(scaleQueries),
        parse.GetValue(maxDepth), parse.GetValue(domainCount), parse.GetValue(scratch), parse.GetValue(ancestorsOnly));
    if (parse.GetValue(planOnly))
    {
        if (options.Scratch is null)
        {
            Console.Error.WriteLine("error: --plan-only needs --scratch, the folder the database would live in.");
            return 1;
        }
        return options.Disk.Fits(options.Scratch) ? 0 : 2;
    }
    if (string.IsNullOrWhiteSpace(options.Connection))
    {
        Console.Error.WriteLine("error: no database: pass --connection or run deploy/scripts/bench.sh, which starts one.");
        return 1;
    }
    return await new ScaleBenchmark(options).RunAsync(ct);
});

var detectorCount = new Option<int>("--count") { Description = "Documents of ~1 KB per pass.", DefaultValueFactory = _ => 50_000 };
var detectorBatch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 128 };
var detectorCorpus = new Option<string?>("--corpus") { Description = "Cut documents from this labelled JSONL instead of generating them." };
var provider = new Option<string>("--provider") { DefaultValueFactory = _ => "cpu" };
var detector = new Command("detector", "Scorer throughput on ~1 KB documents with batching, and peak memory.") { detectorCount, detectorBatch, detectorCorpus, provider };
detector.SetAction(parse =>
{
    Report.Header("detector benchmark", null);
    var (featurizer, scores, verdicts) = Provenance.Detector.Benchmarks.DetectorBenchmark.RunWithBaseline(
        new Provenance.Detector.Scoring.DetectorOptions { ExecutionProvider = parse.GetValue(provider)!, MaxBatch = parse.GetValue(detectorBatch) },
        parse.GetValue(detectorCorpus), parse.GetValue(detectorCount));
    Console.WriteLine(featurizer);
    Console.WriteLine(scores);
    Console.WriteLine(verdicts);
    Console.WriteLine($"model share of scoring time: {1 - featurizer.Seconds / scores.Seconds:P0}; verdicts (document and segments) vs scores: {verdicts.Seconds / scores.Seconds:0.00}x the time");
    return 0;
});

var tokenTexts = new Option<int>("--texts") { Description = "Synthetic documents of ~1 KB counted per pass.", DefaultValueFactory = _ => 20_000 };
var tokenThreads = new Option<int>("--threads") { DefaultValueFactory = _ => 1 };
var runSizes = new Option<int[]>("--run-kib") { Description = "Sizes (KiB of UTF-8) of the single runs timed; 0 skips them.", DefaultValueFactory = _ => [16, 64, 256, 1024], AllowMultipleArgumentsPerToken = true };
var tokens = new Command("tokens", "Token-counting throughput on prose against the library, and the time one unbroken run of letters, spaces, digits... takes.")
{
    tokenTexts, tokenThreads, runSizes,
};
tokens.SetAction(parse =>
{
    Report.Header("token counter benchmark", null);
    var text = new SyntheticText(seed: 42);
    var texts = Enumerable.Range(0, parse.GetValue(tokenTexts)).Select(i => text.Next(1_000, i)).ToList();
    var prose = TokenCounterBenchmark.Run(texts, parse.GetValue(tokenThreads));
    Report.Line("count tokens, prose", $"{prose.Texts:N0} texts, {prose.Megabytes:F1} MB, {prose.Threads} thread(s)",
        $"{prose.WarmMegabytesPerSecond:F1} MB/s", $"first pass {prose.FirstPassMegabytesPerSecond:F1} MB/s, library {prose.LibraryMegabytesPerSecond:F1} MB/s");
    foreach (var (shape, unit) in TokenCounterBenchmark.RunShapes)
    {
        foreach (var kib in (parse.GetValue(runSizes) ?? []).Where(kib => kib > 0))
        {
            var (seconds, count) = TokenCounterBenchmark.TimeRun(unit, kib);
            Report.Line("count tokens, one run", $"{kib:N0} KiB of {shape}", $"{seconds:F3} s", $"{count:N0} tokens");
        }
    }
    return 0;
});

var root = new RootCommand("Provenance benchmarks. Each prints its figures; deploy/scripts/bench.sh starts the servers they need.") { registry, ingest, datasets, scale, detector, tokens };
root.Options.Add(connection);
root.Options.Add(partitions);
return await root.Parse(args).InvokeAsync();
