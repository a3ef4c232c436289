using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Provenance.Data.Assertions;
using Provenance.Data.Detection;
using Provenance.Detection.Watermarks;
using Provenance.Detector.Scoring;
using Provenance.Detector.Segments;
using Provenance.Hosting.Health;
using Provenance.Hosting.Settings;

namespace Provenance.Detection.Hosting;

/// <summary>
/// How a host runs the detector: the same registration for the detector worker and for the API, which runs it on its
/// in-process bus.
/// </summary>
public static partial class DetectionHosting
{
    /// <summary>
    /// The <c>Detection</c> section, bound and checked when the host starts. Once per host. Returns what that binding
    /// gives, for the decision a host takes while it registers its services (the API: whether it runs the detector).
    /// </summary>
    public static DetectionOptions AddDetectionOptions(this IHostApplicationBuilder builder)
    {
        return builder.Services.AddSettings<DetectionOptions>(DetectionOptions.Section, DetectionOptions.Check)
            .ValueAtRegistration(builder.Configuration);
    }

    /// <summary>
    /// The detector (the <c>Detector</c> section), the watermark checks (the <c>Watermarks</c> section) and what
    /// <see cref="ClassifyDocumentsConsumer"/> needs besides the registry's <see cref="Npgsql.NpgsqlDataSource"/>, which the
    /// host registers. The model loads when the host starts, before the bus (call this before <c>AddMassTransit</c>): a
    /// missing or broken model, or a bad <c>Detector</c> or <c>Watermarks</c> setting, stops the start instead of failing
    /// the first request.
    /// </summary>
    public static IHostApplicationBuilder AddDetector(this IHostApplicationBuilder builder)
    {
        // The settings are checked before the model loads; a model file that is missing or broken stops the start too.
        builder.Services.AddSettings<DetectorOptions>(DetectorOptions.Section, (o, failures) => failures.AddWorded(o.Problems()));
        // The one place that says which detector scores.
        builder.Services.AddSingleton<ITextDetector>(sp => DetectorLoader.Load(
            sp.GetRequiredService<IOptions<DetectorOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Provenance.Detector")));
        builder.Services.AddSingleton(sp => new DocumentScorer(sp.GetRequiredService<ITextDetector>()));
        // The watermarks tested beside the model (the Watermarks section; none unless configured).
        builder.Services.AddSettings<WatermarkOptions>(WatermarkOptions.Section, WatermarkOptions.Check);
        builder.Services.AddSingleton<WatermarkChecks>();
        builder.Services.TryAddSingleton<DetectionQueries>();
        builder.Services.TryAddSingleton<AssertionWriter>();
        builder.Services.AddHostedService<DetectorStartup>();
        builder.Services.AddHealthChecks().AddCheck<DetectorHealthCheck>("detector", tags: [HealthHosting.Ready], timeout: TimeSpan.FromSeconds(10));
        return builder;
    }

    /// <summary>
    /// <see cref="ClassifyDocumentsConsumer"/> on the queue <c>Detection:Queue</c>, with its batching and retries.
    /// Needs <see cref="AddDetectionOptions"/> and <see cref="AddDetector"/>.
    /// </summary>
    public static IBusRegistrationConfigurator AddClassifyDocumentsConsumer(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<ClassifyDocumentsConsumer, ClassifyDocumentsConsumerDefinition>();
        return bus;
    }

    /// <summary>Loads the model as the host starts, and says which one runs where.</summary>
    sealed partial class DetectorStartup(IServiceProvider services, IOptions<DetectionOptions> options, ILogger<DetectorStartup> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            var detector = services.GetRequiredService<ITextDetector>();
            LogLoaded(logger, detector.ModelId, detector.ExecutionProvider, Stopwatch.GetElapsedTime(started).TotalMilliseconds, options.Value.Queue);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Information,
            Message = "Detector {Model} loaded in this process on execution provider {Provider} in {Milliseconds:N0} ms; it classifies the requests on queue {Queue}")]
        static partial void LogLoaded(ILogger logger, string model, string provider, double milliseconds, string queue);
    }

    /// <summary>The model is loaded and answers: it scores one short text. A probe costs one tiny batch.</summary>
    sealed class DetectorHealthCheck(ITextDetector detector) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var score = detector.Score(["The registry asks its detector whether it still answers."], cancellationToken)[0];
                return Task.FromResult(float.IsFinite(score.PHuman)
                    ? HealthCheckResult.Healthy($"{detector.ModelId} on {detector.ExecutionProvider}")
                    : HealthCheckResult.Unhealthy($"{detector.ModelId} answered a score that is not a number."));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Task.FromResult(HealthCheckResult.Unhealthy($"{detector.ModelId} failed to score: {e.Message}"));
            }
        }
    }
}
