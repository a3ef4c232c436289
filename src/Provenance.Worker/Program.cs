using Provenance.Worker.Hosting;

namespace Provenance.Worker;

// A named entry point rather than top-level statements: with ASP.NET Core referenced (for the probe endpoint), .NET makes
// a top-level Program public, and it would clash with the API's Program in the test projects that reference both hosts.
internal static class Program
{
    static async Task Main(string[] args)
    {
        await using var host = WorkerHosting.Build(args);
        await host.RunAsync();
    }
}
