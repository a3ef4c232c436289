using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace Provenance.Detector.Scoring;

/// <summary>
/// Opens ONNX Runtime sessions on the configured execution provider. A GPU provider that is missing from this
/// build (the default CPU package), or whose CUDA/TensorRT libraries or device cannot be loaded, must not take the
/// service down: the session falls back to CPU and says so.
/// </summary>
internal static partial class ExecutionProviders
{
    public const string Cpu = "cpu";
    public const string Cuda = "cuda";
    public const string TensorRt = "tensorrt";

    /// <summary>Whether <paramref name="provider"/> names one of the providers above (case and spaces aside; null is the CPU).</summary>
    public static bool IsKnown(string? provider) => Normalize(provider) is Cpu or Cuda or TensorRt;

    static string Normalize(string? provider) => (provider ?? Cpu).Trim().ToLowerInvariant();

    public static (InferenceSession Session, string Provider) CreateSession(byte[] model, DetectorOptions options, ILogger logger, string modelId) =>
        CreateSession(o => new InferenceSession(model, o), options, logger, modelId);

    /// <summary>
    /// A session on a model file. Large models keep their weights in external data files next to the .onnx
    /// (model.onnx_data), which ONNX Runtime only finds when it opens the model by path.
    /// </summary>
    public static (InferenceSession Session, string Provider) CreateSession(string modelPath, DetectorOptions options, ILogger logger, string modelId) =>
        CreateSession(o => new InferenceSession(modelPath, o), options, logger, modelId);

    static (InferenceSession Session, string Provider) CreateSession(Func<SessionOptions, InferenceSession> open, DetectorOptions options, ILogger logger, string modelId)
    {
        if (!IsKnown(options.ExecutionProvider))
        {
            throw new ArgumentException($"Unknown execution provider '{options.ExecutionProvider}'; use cpu, cuda or tensorrt.");
        }
        var requested = Normalize(options.ExecutionProvider);

        if (requested != Cpu)
        {
            var gpuOptions = NewOptions(options);
            try
            {
                if (requested == TensorRt)
                {
                    gpuOptions.AppendExecutionProvider_Tensorrt(options.DeviceId);
                }
                // Nodes TensorRT does not take run on CUDA rather than on the CPU.
                gpuOptions.AppendExecutionProvider_CUDA(options.DeviceId);
                var session = open(gpuOptions);
                LogProvider(logger, modelId, requested, options.DeviceId);
                return (session, requested);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                LogFallback(logger, requested, options.DeviceId, e.Message);
            }
            finally
            {
                gpuOptions.Dispose();
            }
        }

        using var cpuOptions = NewOptions(options);
        var cpuSession = open(cpuOptions);
        LogProvider(logger, modelId, Cpu, 0);
        return (cpuSession, Cpu);
    }

    static SessionOptions NewOptions(DetectorOptions options)
    {
        var session = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        // Between runs the featurizer needs the cores; spinning ORT workers would take them (measured: 2.2x
        // slower end to end on 2 cores with spinning on).
        session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (options.IntraOpThreads > 0)
        {
            session.IntraOpNumThreads = options.IntraOpThreads;
        }
        return session;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Detector {Model} scoring on execution provider {Provider} (device {DeviceId})")]
    static partial void LogProvider(ILogger logger, string model, string provider, int deviceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Execution provider {Provider} (device {DeviceId}) could not be loaded, falling back to CPU: {Reason}")]
    static partial void LogFallback(ILogger logger, string provider, int deviceId, string reason);
}
