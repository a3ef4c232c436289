using Provenance.Worker;

using var host = WorkerHosting.Build(args);
await host.RunAsync();
