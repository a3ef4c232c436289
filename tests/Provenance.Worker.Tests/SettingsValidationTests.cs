using Microsoft.Extensions.Options;
using Provenance.Detection;
using Provenance.Detector.Scoring;
using Provenance.Testing;
using Provenance.Worker.Hosting;

namespace Provenance.Worker.Tests;

/// <summary>
/// The detector worker checks every section it binds as it starts, before the model loads or the bus connects: a bad
/// value or one that does not parse stops the start with the full key in the message.
/// </summary>
public sealed class SettingsValidationTests
{

    [Fact]
    public void ABadDetectorSettingStopsTheStartNamingTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => WorkerHosting.Build([], UnreachableWorker.Settings(("Detector:MaxBatch", "0"), ("Detector:ExecutionProvider", "gpu"))));

        Assert.Contains("Detector:MaxBatch is 0", error.Message);
        Assert.Contains("Detector:ExecutionProvider is 'gpu'", error.Message);
    }

    [Fact]
    public void ASettingThatDoesNotParseStopsTheStartNamingTheKey()
    {
        var error = Record.Exception(() => WorkerHosting.Build([], UnreachableWorker.Settings(("Detector:MaxBatch", "lots"))));

        Assert.Contains("at 'Detector:MaxBatch'", BoundSettings.Messages(error));
    }

    [Fact]
    public void AMalformedBrokerUriStopsTheWorkerNamingTheKeyWithoutItsPassword()
    {
        var error = Record.Exception(() => WorkerHosting.Build([], UnreachableWorker.Settings(("ConnectionStrings:Broker", "amqp://worker:hunter2hunter2@:5672/"))));

        var messages = BoundSettings.Messages(error);
        Assert.Contains("ConnectionStrings:Broker is not a broker URI", messages);
        Assert.DoesNotContain("hunter2", messages);
    }

    [Fact]
    public void EveryOptionsTypeTheWorkerBindsIsCheckedAsItStarts()
    {
        IReadOnlyList<Type> bound = [];

        var error = Record.Exception(() => WorkerHosting.Build([], UnreachableWorker.Settings(), configure: b => bound = BoundSettings.RefuseAll(b.Services)));

        Assert.Equivalent(new[] { typeof(DetectionOptions), typeof(DetectorOptions) }, bound);
        var messages = BoundSettings.Messages(error);
        Assert.All(bound, t => Assert.Contains(BoundSettings.Refusal(t), messages));
    }
}
