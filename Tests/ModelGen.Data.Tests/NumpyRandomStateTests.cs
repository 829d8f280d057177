namespace ModelGen.Data.Tests;

public class NumpyRandomStateTests
{
    [Fact]
    public void Mt19937_MatchesTheReferenceOutputForSeed5489()
    {
        // Matsumoto and Nishimura's reference: init_genrand(5489) first gives 3499211612, then 581869302.
        var random = new NumpyRandomState(5489);

        Assert.Equal(3_499_211_612u, random.NextUInt32());
        Assert.Equal(581_869_302u, random.NextUInt32());
    }

    [Theory]
    [InlineData(0, new[] { 2, 8, 4, 9, 1, 6, 7, 3, 0, 5 })]
    [InlineData(42, new[] { 8, 1, 5, 0, 7, 2, 9, 4, 3, 6 })]
    public void Permutation_MatchesNumpy(int seed, int[] expected)
    {
        // numpy.random.RandomState(seed).permutation(10)
        Assert.Equal(expected, new NumpyRandomState((uint)seed).Permutation(10));
    }
}
