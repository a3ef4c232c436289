using System.Buffers.Binary;
using Provenance.Text;

namespace Provenance.Domain.Datasets;

/// <summary>
/// Each document's random sample key: the first 8 bytes of its content hash, big-endian, as a signed 64-bit integer.
/// SHA-256 output is uniform, so the keys are independent uniform draws that never change and need no random state;
/// the registry stores them in <c>documents.sample_key</c> (a generated column) with an index per class, and a mix
/// takes the next keys from a start point chosen by the seed, wrapping around. Any window of keys is a uniform random
/// sample, and reading one is an index range scan instead of <c>ORDER BY random()</c> over the whole table.
/// </summary>
public static class SampleKey
{
    public static long Of(ReadOnlySpan<byte> contentHash) => BinaryPrimitives.ReadInt64BigEndian(contentHash);

    /// <summary>Where a mix with <paramref name="seed"/> starts reading keys (SplitMix64, so nearby seeds start far apart).</summary>
    public static long StartFor(long seed)
    {
        var state = unchecked((ulong)seed);
        return unchecked((long)StableHash.SplitMix64Next(ref state));
    }
}
