using Provenance.Detector.Evaluation;
using Provenance.Detector.Modeling;

namespace Provenance.Detector.Training;

/// <summary>
/// Online training of a <see cref="DetectorNetwork"/>: one example per step, weighted softmax cross-entropy.
/// Embedding rows get fastText's update (the full pooled gradient on every row the document touched) scaled by
/// row-wise Adagrad; the small dense layers get Adam. Both rates decay linearly to zero over the epoch budget.
/// </summary>
internal sealed class NetworkOptimiser
{
    readonly DetectorNetwork net;
    readonly TrainingOptions options;
    readonly DeterministicRandom random;
    readonly Adam w1, b1, w2, b2;
    readonly float[] rowSquares;

    public NetworkOptimiser(DetectorNetwork network, TrainingOptions options, DeterministicRandom random)
    {
        net = network;
        this.options = options;
        this.random = random;
        var limit = net.Dim > 0 ? 1f / net.Dim : 0f;
        for (var i = 0; i < net.Embedding.Length; i++)
        {
            net.Embedding[i] = random.Uniform(limit);
        }
        // He initialisation for the ReLU layer, Glorot for the softmax layer; embeddings as fastText (uniform 1/dim).
        var heLimit = MathF.Sqrt(6f / net.InputCount);
        for (var i = 0; i < net.W1.Length; i++)
        {
            net.W1[i] = random.Uniform(heLimit);
        }
        var outLimit = MathF.Sqrt(6f / (net.Hidden + DetectorNetwork.Classes));
        for (var i = 0; i < net.W2.Length; i++)
        {
            net.W2[i] = random.Uniform(outLimit);
        }
        rowSquares = new float[net.Config.NgramBuckets];
        w1 = new Adam(net.W1.Length);
        b1 = new Adam(net.B1.Length);
        w2 = new Adam(net.W2.Length);
        b2 = new Adam(net.B2.Length);
    }

    /// <summary>Trains until the validation AUROC stops improving; leaves the best epoch's weights in the network.</summary>
    public (int BestEpoch, int Epochs) Fit(TrainingExample[] train, TrainingExample[] validation,
        IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var order = Enumerable.Range(0, train.Length).ToArray();
        var totalSteps = (double)options.MaxEpochs * train.Length;
        var step = 0L;
        var bag = new float[net.Dim];
        var input = new float[net.InputCount];
        var hidden = new float[net.Hidden];
        var probabilities = new float[DetectorNetwork.Classes];
        var gradLogits = new float[DetectorNetwork.Classes];
        var gradHidden = new float[net.Hidden];
        var gradBag = new float[net.Dim];
        var gradW1 = new float[net.W1.Length];
        var gradW2 = new float[net.W2.Length];
        var keptBuffer = new int[Math.Max(1, train.Max(e => e.Ngrams.Length))];

        var best = (Auroc: double.NegativeInfinity, Epoch: 0, Snapshot: Snapshot());
        float[][]? average = null;
        var epoch = 0;
        while (epoch < options.MaxEpochs)
        {
            epoch++;
            random.Shuffle(order);
            double loss = 0;
            foreach (var index in order)
            {
                ct.ThrowIfCancellationRequested();
                var example = train[index];
                var decay = (float)Math.Max(0.0, 1.0 - step / totalSteps);
                step++;
                var kept = Keep(example.Ngrams, keptBuffer);
                net.Pool(kept, bag);
                net.Forward(bag, example.Dense, input, hidden, probabilities);
                loss -= Math.Log(Math.Max(probabilities[example.Label], 1e-12f));

                for (var k = 0; k < DetectorNetwork.Classes; k++)
                {
                    gradLogits[k] = example.Weight * (probabilities[k] - (k == example.Label ? 1f : 0f));
                }
                Backward(input, hidden, gradLogits, gradHidden, gradBag, gradW1, gradW2);
                var denseRate = options.DenseLearningRate * decay;
                w1.Step(net.W1, gradW1, denseRate);
                b1.Step(net.B1, gradHidden, denseRate);
                w2.Step(net.W2, gradW2, denseRate);
                b2.Step(net.B2, gradLogits, denseRate);

                var embeddingRate = options.EmbeddingLearningRate * decay;
                var dim = net.Dim;
                float square = 0;
                for (var d = 0; d < dim; d++)
                {
                    square += gradBag[d] * gradBag[d];
                }
                square /= dim;
                foreach (var id in kept)
                {
                    // Row-wise Adagrad: rare n-grams keep large steps, frequent ones settle; one scalar per row.
                    var accumulated = rowSquares[id] += square;
                    var rate = embeddingRate / MathF.Sqrt(accumulated + 1e-8f);
                    var row = net.Embedding.AsSpan(id * dim, dim);
                    for (var d = 0; d < dim; d++)
                    {
                        row[d] -= rate * gradBag[d];
                    }
                }
            }

            float[][]? current = null;
            if (options.AverageFromEpoch > 0 && epoch >= options.AverageFromEpoch)
            {
                // Stochastic weight averaging: the mean of the weights along the trajectory generalises better
                // than its noisy end point. Validation (and the saved model) use the average.
                current = Snapshot();
                average = average is null ? Snapshot() : Blend(average, current, 1f / (epoch - options.AverageFromEpoch + 1));
                Restore(average);
            }
            var (validationLoss, auroc) = Validate(validation);
            progress?.Report(new("epoch", $"epoch {epoch}: train loss {loss / train.Length:0.0000}, validation loss {validationLoss:0.0000}, AUROC {auroc:0.0000}",
                epoch, loss / train.Length, validationLoss, auroc));
            // AUROC, not loss: past the first epochs the loss rises from growing confidence while the ranking
            // (what the detector is judged on) keeps improving.
            if (auroc > best.Auroc)
            {
                best = (auroc, epoch, Snapshot());
            }
            if (current is not null)
            {
                Restore(current);
            }
            if (epoch - best.Epoch >= options.Patience)
            {
                break;
            }
        }
        Restore(best.Snapshot);
        return (best.Epoch, epoch);
    }

    ReadOnlySpan<int> Keep(int[] ngrams, int[] buffer)
    {
        if (net.Dim == 0)
        {
            return [];
        }
        if (options.NgramDropout <= 0)
        {
            return ngrams;
        }
        var count = 0;
        foreach (var id in ngrams)
        {
            if (random.NextDouble() >= options.NgramDropout)
            {
                buffer[count++] = id;
            }
        }
        return buffer.AsSpan(0, count);
    }

    public float[] Predict(TrainingExample example)
    {
        var bag = new float[net.Dim];
        var input = new float[net.InputCount];
        var hidden = new float[net.Hidden];
        var probabilities = new float[DetectorNetwork.Classes];
        net.Pool(example.Ngrams, bag);
        net.Forward(bag, example.Dense, input, hidden, probabilities);
        return probabilities;
    }

    (double Loss, double Auroc) Validate(TrainingExample[] validation)
    {
        if (validation.Length == 0)
        {
            return (0, double.NaN);
        }
        var predictions = new float[validation.Length][];
        Parallel.For(0, validation.Length, i => predictions[i] = Predict(validation[i]));
        var loss = predictions.Select((p, i) => -Math.Log(Math.Max(p[validation[i].Label], 1e-12f))).Average();
        var auroc = RocMetrics.Auroc(predictions.Select(p => 1.0 - p[0]).ToArray(), validation.Select(e => e.Label != 0).ToArray());
        return (loss, auroc);
    }

    void Backward(float[] input, float[] hidden, float[] gradLogits, float[] gradHidden, float[] gradBag, float[] gradW1, float[] gradW2)
    {
        var classes = DetectorNetwork.Classes;
        for (var j = 0; j < net.Hidden; j++)
        {
            float g = 0;
            for (var k = 0; k < classes; k++)
            {
                gradW2[j * classes + k] = hidden[j] * gradLogits[k];
                g += net.W2[j * classes + k] * gradLogits[k];
            }
            gradHidden[j] = hidden[j] > 0 ? g : 0;
        }
        for (var i = 0; i < net.InputCount; i++)
        {
            var x = input[i];
            var row = net.W1.AsSpan(i * net.Hidden, net.Hidden);
            var gradRow = gradW1.AsSpan(i * net.Hidden, net.Hidden);
            float back = 0;
            for (var j = 0; j < net.Hidden; j++)
            {
                gradRow[j] = x * gradHidden[j];
                back += row[j] * gradHidden[j];
            }
            if (i < net.Dim)
            {
                gradBag[i] = back;
            }
        }
    }

    float[][] Snapshot() => [(float[])net.Embedding.Clone(), (float[])net.W1.Clone(), (float[])net.B1.Clone(), (float[])net.W2.Clone(), (float[])net.B2.Clone()];

    static float[][] Blend(float[][] average, float[][] current, float share)
    {
        for (var a = 0; a < average.Length; a++)
        {
            var avg = average[a];
            var cur = current[a];
            for (var i = 0; i < avg.Length; i++)
            {
                avg[i] += share * (cur[i] - avg[i]);
            }
        }
        return average;
    }

    void Restore(float[][] snapshot)
    {
        snapshot[0].CopyTo(net.Embedding, 0);
        snapshot[1].CopyTo(net.W1, 0);
        snapshot[2].CopyTo(net.B1, 0);
        snapshot[3].CopyTo(net.W2, 0);
        snapshot[4].CopyTo(net.B2, 0);
    }

    sealed class Adam(int size)
    {
        const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
        readonly float[] m = new float[size];
        readonly float[] v = new float[size];
        float beta1Power = 1, beta2Power = 1;

        public void Step(float[] parameters, float[] gradient, float rate)
        {
            beta1Power *= Beta1;
            beta2Power *= Beta2;
            var corrected = rate * MathF.Sqrt(1 - beta2Power) / (1 - beta1Power);
            for (var i = 0; i < parameters.Length; i++)
            {
                m[i] = Beta1 * m[i] + (1 - Beta1) * gradient[i];
                v[i] = Beta2 * v[i] + (1 - Beta2) * gradient[i] * gradient[i];
                parameters[i] -= corrected * m[i] / (MathF.Sqrt(v[i]) + Epsilon);
            }
        }
    }
}
