using Provenance.Detector.Features;

namespace Provenance.Detector.Training;

/// <summary>Settings for <see cref="DetectorTrainer"/>. The defaults produce the shipped model.</summary>
public sealed record TrainingOptions
{
    /// <summary>Same seed, corpus and options give a byte-identical ONNX file.</summary>
    public int Seed { get; init; } = 17;

    public int MaxEpochs { get; init; } = 15;

    /// <summary>Epochs without a better validation AUROC before training stops.</summary>
    public int Patience { get; init; } = 3;

    public int Hidden { get; init; } = 32;

    /// <summary>Row-wise Adagrad rate for embedding rows (each row gets the full pooled gradient, as in fastText).</summary>
    public float EmbeddingLearningRate { get; init; } = 0.03f;

    /// <summary>
    /// Share of a document's n-grams hidden at each training step. The n-gram bag can memorise the training set
    /// within a few epochs; dropping n-grams keeps the classifier leaning on the statistics that generalise.
    /// </summary>
    public float NgramDropout { get; init; } = 0.5f;

    /// <summary>
    /// Weight examples so that, within each source family (the part of "source" before '/'), human and
    /// machine-or-mixed documents carry equal weight. Otherwise a family that is mostly machine text teaches
    /// "this kind of document is machine-written" instead of what machine writing looks like.
    /// </summary>
    public bool BalanceSources { get; init; } = true;

    /// <summary>
    /// Give every family (<see cref="Corpus.CorpusDocument.Family"/>) the same total weight. Otherwise the largest family
    /// (hc3plus holds 40% of the corpus) teaches its own notion of machine text to the others.
    /// </summary>
    public bool BalanceFamilies { get; init; } = true;

    /// <summary>
    /// Augmented variants per training document (<see cref="TextAugmenter"/>: a random window of whole sentences and a
    /// random layout), so the model cannot key on a source's length or formatting. 0 trains on the corpus as it is.
    /// </summary>
    public int AugmentedCopies { get; init; } = 1;

    /// <summary>Upper bound on a balancing weight, so a few hundred documents cannot dominate.</summary>
    public float MaxExampleWeight { get; init; } = 5f;

    /// <summary>First epoch whose weights enter the running weight average (SWA); 0 keeps the last weights.</summary>
    public int AverageFromEpoch { get; init; } = 2;

    /// <summary>Adam rate for the dense layers, decayed linearly with the embedding rate.</summary>
    public float DenseLearningRate { get; init; } = 0.002f;

    /// <summary>Share of each source held out of training for early stopping and thresholds.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>
    /// Cross-fitting folds for the language-model statistics of human training texts: a text must not be scored
    /// by a model that has read it, or "human" would be learned as "already seen".
    /// </summary>
    public int LanguageModelFolds { get; init; } = 5;

    /// <summary>Train on at most this many documents (a quick run); null uses the whole corpus.</summary>
    public int? MaxDocuments { get; init; }

    public string ModelName { get; init; } = "provenance-detector";

    public string ModelVersion { get; init; } = "2.0.0";

    public FeatureConfig Features { get; init; } = new();

    /// <summary>
    /// Choose the verdict thresholds on leave-one-family-out scores (one extra training per family) so that every
    /// family the model never saw keeps <see cref="Targets"/>; false takes them from the held-out slice of train
    /// (quick runs and tests; such thresholds say nothing about unseen text).
    /// </summary>
    public bool ThresholdsFromHeldOutFamilies { get; init; } = true;

    /// <summary>The error limits the verdict thresholds keep on every held-out family.</summary>
    public Evaluation.VerdictTargets Targets { get; init; } = new();

}

/// <summary>A training milestone, for a progress bar or a log line.</summary>
public sealed record TrainingProgress(string Stage, string Message, int Epoch = 0, double? TrainLoss = null,
    double? ValidationLoss = null, double? ValidationAuroc = null);

/// <summary>Where a trained model was written and what its manifest says.</summary>
public sealed record TrainingResult(string ModelPath, string ManifestPath, Modeling.ModelManifest Manifest, TimeSpan Duration);
