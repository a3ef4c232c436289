using Provenance.Detector.Modeling;

namespace Provenance.Detector.Scoring;

/// <summary>The model trained by this project and shipped inside the assembly (src/Provenance.Detector/Model).</summary>
public static class DefaultModel
{
    const string ModelResource = "Provenance.Detector.Model.provenance-detector.onnx";
    const string ManifestResource = "Provenance.Detector.Model.provenance-detector.manifest.json";

    static readonly Lazy<ModelManifest> LazyManifest = new(() => ModelManifest.FromJson(ReadText(ManifestResource)));

    /// <summary>False only in a build made before a model was trained.</summary>
    public static bool IsAvailable => typeof(DefaultModel).Assembly.GetManifestResourceInfo(ModelResource) is not null
        && typeof(DefaultModel).Assembly.GetManifestResourceInfo(ManifestResource) is not null;

    public static ModelManifest Manifest => LazyManifest.Value;

    /// <summary>The ONNX bytes of the shipped model.</summary>
    public static byte[] ReadModel()
    {
        using var stream = Open(ModelResource);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    static string ReadText(string name)
    {
        using var reader = new StreamReader(Open(name));
        return reader.ReadToEnd();
    }

    static Stream Open(string name) =>
        typeof(DefaultModel).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException(
            $"This build of Provenance.Detector has no default model ({name}); train one with DetectorTrainer and put it in src/Provenance.Detector/Model.");
}
