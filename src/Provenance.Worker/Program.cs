using Provenance.Worker.Hosting;

using var host = WorkerHosting.Build(args);
await host.RunAsync();
