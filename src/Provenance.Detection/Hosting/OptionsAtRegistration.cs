using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Provenance.Detection.Hosting;

static class OptionsAtRegistration
{
    /// <summary>
    /// What <paramref name="options"/> will give the host's services, computed while the host is still registering
    /// them: the configure steps registered for it so far (its section's binding) run on <paramref name="configuration"/>.
    /// So a registration-time decision reads the one binding instead of binding the section a second time. Validation
    /// is left where it was registered, at start.
    /// </summary>
    public static T ValueAtRegistration<T>(this OptionsBuilder<T> options, IConfiguration configuration) where T : class
    {
        var steps = new ServiceCollection().AddSingleton(configuration);
        foreach (var step in options.Services.Where(d => d.ServiceType == typeof(IConfigureOptions<T>) || d.ServiceType == typeof(IPostConfigureOptions<T>)))
        {
            steps.Add(step);
        }
        using var provider = steps.BuildServiceProvider();
        return new OptionsFactory<T>(provider.GetServices<IConfigureOptions<T>>(), provider.GetServices<IPostConfigureOptions<T>>()).Create(options.Name);
    }
}
