using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Provenance.Testing;

/// <summary>The API host in process with the given settings, for tests of how it starts (or refuses to).</summary>
public static class ApiHost
{
    public static WebApplicationFactory<Program> Create(IDictionary<string, string?> settings, Action<IWebHostBuilder>? configure = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }
            configure?.Invoke(b);
        });
}
