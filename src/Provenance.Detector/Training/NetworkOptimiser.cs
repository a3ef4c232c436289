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
    readonly DetectorNetwork _net;
    readonly TrainingOptions _options;
    readonly DeterministicRandom _random;
    readonly Adam _w1, _b1, _w2, _b2;
    readonly float[] _rowSquares;

    public NetworkOptimiser(DetectorNetwork network, TrainingOptions options, DeterministicRandom random)
    {
        _net = network;
        _options = options;
        _random = random;
        var limit = _net.Dim > 0 ? 1f / _net.Dim : 0f;
        for (var i = 0; i < _net.Embedding.Length; i++)
        {
            _net.Embedding[i] = random.Uniform(limit);
        }
        // He initialisation for the ReLU layer, Glorot for the softmax layer; embeddings as fastText (uniform 1/dim).
        var heLimit = MathF.Sqrt(6f / _net.InputCount);
        for (var i = 0; i < _net.W1.Length; i++)
        {
            _net.W1[i] = random.Uniform(heLimit);
        }
        var outLimit = MathF.Sqrt(6f / (_net.Hidden + DetectorNetwork.Classes));
        for (var i = 0; i < _net.W2.Length; i++)
        {
            _net.W2[i] = random.Uniform(outLimit);
        }
        _rowSquares = new float[_net.Config.NgramBuckets];
        _w1 = new Adam(_net.W1.Length);
        _b1 = new Adam(_net.B1.Length);
        _w2 = new Adam(_net.W2.Length);
        _b2 = new Adam(_net.B2.Length);
    }

    /// <summary>Trains until the validation AUROC stops improving; leaves the best epoch's weights in the network.</summary>
    public (int BestEpoch, int Epochs) Fit(TrainingExample[] train, TrainingExample[] validation,
        IProgress<TrainingProgress>? progress, CancellationToken ct)
    {
        var order = Enumerable.Range(0, train.Length).ToArray();
        var totalSteps = (double)_options.MaxEpochs * train.Length;
        var step = 0L;
        var bag = new float[_net.Dim];
        var input = new float[_net.InputCount];
        var hidden = new float[_net.Hidden];
        var probabilities = new float[DetectorNetwork.Classes];
        var gradLogits = new float[DetectorNetwork.Classes];
        var gradHidden = new float[_net.Hidden];
        var gradBag = new float[_net.Dim];
        var gradW1 = new float[_net.W1.Length];
        var gradW2 = new float[_net.W2.Length];
        var keptBuffer = new int[Math.Max(1, train.Max(e => e.Ngrams.Length))];

        var best = (Auroc: double.NegativeInfinity, Epoch: 0, Snapshot: Snapshot());
        float[][]? average = null;
        var epoch = 0;
        while (epoch < _options.MaxEpochs)
        {
            epoch++;
            _random.Shuffle(order);
            double loss = 0;
            foreach (var index in order)
            {
                ct.ThrowIfCancellationRequested();
                var example = train[index];
                var decay = (float)Math.Max(0.0, 1.0 - step / totalSteps);
                step++;
                var kept = Keep(example.Ngrams, keptBuffer);
                _net.Pool(kept, bag);
                _net.Forward(bag, example.Dense, input, hidden, probabilities);
                loss -= Math.Log(Math.Max(probabilities[example.Label], 1e-12f));

                for (var k = 0; k < DetectorNetwork.Classes; k++)
                {
                    gradLogits[k] = example.Weight * (probabilities[k] - (k == example.Label ? 1f : 0f));
                }
                Backward(input, hidden, gradLogits, gradHidden, gradBag, gradW1, gradW2);
                var denseRate = _options.DenseLearningRate * decay;
                _w1.Step(_net.W1, gradW1, denseRate);
                _b1.Step(_net.B1, gradHidden, denseRate);
                _w2.Step(_net.W2, gradW2, denseRate);
                _b2.Step(_net.B2, gradLogits, denseRate);

                var embeddingRate = _options.EmbeddingLearningRate * decay;
                var dim = _net.Dim;
                float square = 0;
                for (var d = 0; d < dim; d++)
                {
                    square += gradBag[d] * gradBag[d];
                }
                square /= dim;
                foreach (var id in kept)
                {
                    // Row-wise Adagrad: rare n-grams keep large steps, frequent ones settle; one scalar per row.
                    var accumulated = _rowSquares[id] += square;
                    var rate = embeddingRate / MathF.Sqrt(accumulated + 1e-8f);
                    var row = _net.Embedding.AsSpan(id * dim, dim);
                    for (var d = 0; d < dim; d++)
                    {
                        row[d] -= rate * gradBag[d];
                    }
                }
            }

            float[][]? current = null;
            if (_options.AverageFromEpoch > 0 && epoch >= _options.AverageFromEpoch)
            {
                // Stochastic weight averaging: the mean of the weights along the trajectory generalises better
                // than its noisy end point. Validation (and the saved model) use the average.
                current = Snapshot();
                average = average is null ? Snapshot() : Blend(average, current, 1f / (epoch - _options.AverageFromEpoch + 1));
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
            if (epoch - best.Epoch >= _options.Patience)
            {
                break;
            }
        }
        Restore(best.Snapshot);
        return (best.Epoch, epoch);
    }

    ReadOnlySpan<int> Keep(int[] ngrams, int[] buffer)
    {
        if (_net.Dim == 0)
        {
            return [];
        }
        if (_options.NgramDropout <= 0)
        {
            return ngrams;
        }
        var count = 0;
        foreach (var id in ngrams)
        {
            if (_random.NextDouble() >= _options.NgramDropout)
            {
                buffer[count++] = id;
            }
        }
        return buffer.AsSpan(0, count);
    }

    public float[] Predict(TrainingExample example)
    {
        var bag = new float[_net.Dim];
        var input = new float[_net.InputCount];
        var hidden = new float[_net.Hidden];
        var probabilities = new float[DetectorNetwork.Classes];
        _net.Pool(example.Ngrams, bag);
        _net.Forward(bag, example.Dense, input, hidden, probabilities);
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
        for (var j = 0; j < _net.Hidden; j++)
        {
            float g = 0;
            for (var k = 0; k < classes; k++)
            {
                gradW2[j * classes + k] = hidden[j] * gradLogits[k];
                g += _net.W2[j * classes + k] * gradLogits[k];
            }
            gradHidden[j] = hidden[j] > 0 ? g : 0;
        }
        for (var i = 0; i < _net.InputCount; i++)
        {
            var x = input[i];
            var row = _net.W1.AsSpan(i * _net.Hidden, _net.Hidden);
            var gradRow = gradW1.AsSpan(i * _net.Hidden, _net.Hidden);
            float back = 0;
            for (var j = 0; j < _net.Hidden; j++)
            {
                gradRow[j] = x * gradHidden[j];
                back += row[j] * gradHidden[j];
            }
            if (i < _net.Dim)
            {
                gradBag[i] = back;
            }
        }
    }

    float[][] Snapshot() => [(float[])_net.Embedding.Clone(), (float[])_net.W1.Clone(), (float[])_net.B1.Clone(), (float[])_net.W2.Clone(), (float[])_net.B2.Clone()];

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
        snapshot[0].CopyTo(_net.Embedding, 0);
        snapshot[1].CopyTo(_net.W1, 0);
        snapshot[2].CopyTo(_net.B1, 0);
        snapshot[3].CopyTo(_net.W2, 0);
        snapshot[4].CopyTo(_net.B2, 0);
    }

    sealed class Adam(int size)
    {
        const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
        readonly float[] _m = new float[size];
        readonly float[] _v = new float[size];
        float _beta1Power = 1, _beta2Power = 1;

        public void Step(float[] parameters, float[] gradient, float rate)
        {
            _beta1Power *= Beta1;
            _beta2Power *= Beta2;
            var corrected = rate * MathF.Sqrt(1 - _beta2Power) / (1 - _beta1Power);
            for (var i = 0; i < parameters.Length; i++)
            {
                _m[i] = Beta1 * _m[i] + (1 - Beta1) * gradient[i];
                _v[i] = Beta2 * _v[i] + (1 - Beta2) * gradient[i] * gradient[i];
                parameters[i] -= corrected * _m[i] / (MathF.Sqrt(_v[i]) + Epsilon);
            }
        }
    }
}
