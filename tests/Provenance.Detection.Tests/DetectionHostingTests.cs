using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Provenance.Worker.Hosting;

namespace Provenance.Detection.Tests;

/// <summary>
/// A host that runs the detector (a worker, or the API in process: both register it the same way) checks its settings
/// and loads the model as it starts, so a mistake stops the start with a message that names it.
/// </summary>
public sealed class DetectionHostingTests
{
    // Neither is reached: the start stops before the bus connects or anything touches the database.
    static Dictionary<string, string?> Unreachable(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Registry"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=none",
            ["ConnectionStrings:Broker"] = "amqp://guest:guest@127.0.0.1:1/",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        return all;
    }

    [Fact]
    public void ABadDetectionSettingStopsTheStartAndTheMessageNamesTheKey()
    {
        var error = Assert.Throws<OptionsValidationException>(() => WorkerHosting.Build([], Unreachable(("Detection:MaxMessagesPerBatch", "0"), ("Detection:Queue", " "))));

        Assert.Contains("Detection:MaxMessagesPerBatch is 0", error.Message);
        Assert.Contains("Detection:Queue is empty", error.Message);
    }

    [Fact]
    public async Task AMissingModelStopsTheStartInsteadOfTheFirstRequest()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-model-{Guid.NewGuid():N}.onnx");
        using var host = WorkerHosting.Build([], Unreachable(("Detector:ModelPath", missing)));

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => host.StartAsync());

        Assert.Contains(missing, error.Message);
    }
}
