using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Provenance.Testing;
using Provenance.Worker.Hosting;

namespace Provenance.Detection.Tests;

/// <summary>
/// A host that runs the detector (a worker, or the API in process: both register it the same way) checks its settings
/// and loads the model as it starts, so a mistake stops the start with a message that names it.
/// </summary>
public sealed class DetectionHostingTests
{

    [Fact]
    public void ABadDetectionSettingStopsTheStartAndTheMessageNamesTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => WorkerHosting.Build([], UnreachableWorker.Settings(("Detection:MaxMessagesPerBatch", "0"), ("Detection:Queue", " "))));

        Assert.Contains("Detection:MaxMessagesPerBatch is 0", error.Message);
        Assert.Contains("Detection:Queue is empty", error.Message);
    }

    [Fact]
    public async Task AMissingModelStopsTheStartInsteadOfTheFirstRequest()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.onnx");
        using var host = WorkerHosting.Build([], UnreachableWorker.Settings(("Detector:ModelPath", missing)));

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => host.StartAsync());

        Assert.Contains(missing, error.Message);
    }
}
