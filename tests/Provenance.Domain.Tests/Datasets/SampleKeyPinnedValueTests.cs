using Provenance.Domain.Datasets;

namespace Provenance.Domain.Tests.Datasets;

/// <summary>
/// Sample keys and seed start points for fixed inputs, written down as literals. <c>documents.sample_key</c> is stored,
/// and a version's documents are the keys read from its seed's start point, so its stored manifest and manifest hash
/// depend on both: if one of these values has to change, the same spec on the same registry selects other documents
/// than the versions already stored (and the stored keys disagree with the code), so it is a format change, never a
/// refactoring.
/// </summary>
public class SampleKeyPinnedValueTests
{
    [Theory]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", -2_039_914_840_885_289_964L)]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", -5_010_229_573_455_851_542L)]
    [InlineData("0000000000000001ffffffffffffffffffffffffffffffffffffffffffffffff", 1L)]
    [InlineData("7fffffffffffffff000000000000000000000000000000000000000000000000", long.MaxValue)]
    [InlineData("8000000000000000000000000000000000000000000000000000000000000000", long.MinValue)]
    public void TheSampleKeyOfAContentHashIsFixed(string contentHashHex, long expected)
    {
        var key = SampleKey.Of(Convert.FromHexString(contentHashHex));

        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData(0L, -2_152_535_657_050_944_081L)]
    [InlineData(1L, -7_995_527_694_508_729_151L)]
    [InlineData(2L, -7_541_218_347_953_203_506L)]
    [InlineData(-1L, -1_956_407_806_741_107_680L)]
    [InlineData(42L, -4_767_286_540_954_276_203L)]
    [InlineData(long.MaxValue, 3_055_647_633_038_352_039L)]
    [InlineData(long.MinValue, 5_196_802_822_362_493_915L)]
    public void TheStartKeyOfASeedIsFixed(long seed, long expected)
    {
        var start = SampleKey.StartFor(seed);

        Assert.Equal(expected, start);
    }
}
