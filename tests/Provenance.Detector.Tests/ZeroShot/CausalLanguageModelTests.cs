using Microsoft.Extensions.Logging;
using Provenance.Detector.Scoring;
using Provenance.Detector.Tests.Support;
using Provenance.Detector.ZeroShot;

namespace Provenance.Detector.Tests.ZeroShot;

public sealed class CausalLanguageModelTests : IDisposable
{
    readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("provenance-lm-");

    public void Dispose() => _directory.Delete(recursive: true);

    string Folder(string name, TinyLanguageModel model, TinyLanguageModel.Export? export = null)
    {
        var path = Path.Combine(_directory.FullName, name);
        model.Write(path, export);
        return path;
    }

    [Fact]
    public void AnExportThatTakesPastKeyValuesIsRefusedWithTheCommandThatExportsItWithout()
    {
        var folder = Folder("with-past", TinyLanguageModel.Random(1), new TinyLanguageModel.Export { PastKeyValues = true });

        var error = Assert.Throws<InvalidDataException>(() => CausalLanguageModel.Load(folder));

        Assert.Contains("past_key_values.0.key", error.Message);
        Assert.Contains("--task text-generation", error.Message);
    }

    [Fact]
    public void AFolderWithOnlyDecoderWithPastFilesSaysToExportAgain()
    {
        var folder = Folder("legacy", TinyLanguageModel.Random(1));
        File.Move(Path.Combine(folder, "model.onnx"), Path.Combine(folder, "decoder_with_past_model.onnx"));

        var error = Assert.Throws<FileNotFoundException>(() => CausalLanguageModel.Load(folder));

        Assert.Contains("decoder_with_past_model.onnx", error.Message);
        Assert.Contains("--task text-generation", error.Message);
    }

    [Fact]
    public void TheNameComesFromTheConfigsModelIdInLowerCase()
    {
        var folder = Folder("lm", TinyLanguageModel.Random(1), new TinyLanguageModel.Export { Name = "Qwen/Qwen2.5-0.5B" });

        using var model = CausalLanguageModel.Load(folder);

        Assert.Equal("qwen2.5-0.5b", model.Name);
        Assert.Equal(TinyLanguageModel.Tokens.Length, model.VocabularySize);
        Assert.False(model.TakesPositionIds);
    }

    [Fact]
    public void TheTokenizerMayComeAsVocabJsonAndMergesTxt()
    {
        var tiny = TinyLanguageModel.Random(1);
        var fromJson = Folder("json", tiny);
        var fromFiles = Folder("files", tiny, new TinyLanguageModel.Export { Tokenizer = "vocab.json" });
        using var a = ZeroShotScorer.Load(new ZeroShotOptions { Model = fromJson });
        using var b = ZeroShotScorer.Load(new ZeroShotOptions { Model = fromFiles });

        var x = a.Score(["ab cd ef gh abcd"]);
        var y = b.Score(["ab cd ef gh abcd"]);

        Assert.Equal(x, y);
    }

    [Fact]
    public void AGpuProviderThatCannotLoadFallsBackToCpuWithAWarning()
    {
        Assert.SkipWhen(Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"),
            "This build has the CUDA provider, so there is no fallback to observe.");
        var folder = Folder("lm", TinyLanguageModel.Random(1));
        var logger = new ListLogger();

        using var model = CausalLanguageModel.Load(folder, new DetectorOptions { ExecutionProvider = "cuda" }, logger);

        Assert.Equal("cpu", model.ExecutionProvider);
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("falling back to CPU"));
    }

    [Fact]
    public void BinocularsRefusesModelsWhoseLogitsCoverDifferentVocabularies()
    {
        var observer = Folder("observer", TinyLanguageModel.Random(1));
        var performer = Folder("performer", TinyLanguageModel.Random(2, extraVocabulary: 3));

        var error = Assert.Throws<InvalidDataException>(() => ZeroShotScorer.Load(new ZeroShotOptions { Model = observer, Performer = performer }));

        Assert.Contains("share one tokenizer", error.Message);
        Assert.Contains("27 and 30", error.Message);
    }

    [Fact]
    public void BinocularsRefusesModelsThatGiveTheSameTokenDifferentIds()
    {
        var observer = Folder("observer", TinyLanguageModel.Random(1));
        var performer = Folder("performer", TinyLanguageModel.Random(2), new TinyLanguageModel.Export { SwapFirstTwoLetters = true });

        var error = Assert.Throws<InvalidDataException>(() => ZeroShotScorer.Load(new ZeroShotOptions { Model = observer, Performer = performer }));

        Assert.Contains("share one tokenizer", error.Message);
        Assert.Contains("token 'a' is id 2 in the observer and id 3 in the performer", error.Message);
    }
}
