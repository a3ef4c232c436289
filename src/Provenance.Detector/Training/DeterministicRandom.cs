using Provenance.Text;

namespace Provenance.Detector.Training;

/// <summary>
/// SplitMix64. System.Random's seeded sequence is an implementation detail of the runtime; training must give
/// the same model for the same seed on any .NET version.
/// </summary>
internal sealed class DeterministicRandom(ulong seed)
{
    ulong _state = seed;

    public ulong NextUInt64() => StableHash.SplitMix64Next(ref _state);

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public int Next(int maxExclusive) => (int)(NextDouble() * maxExclusive);

    public float Uniform(float limit) => (float)((NextDouble() * 2 - 1) * limit);

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
