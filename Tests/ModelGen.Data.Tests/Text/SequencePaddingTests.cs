using ModelGen.Data.Text;

namespace ModelGen.Data.Tests.Text;

/// <summary>Keras' pad_sequences, each side and the defaults.</summary>
public sealed class SequencePaddingTests
{
    private static readonly int[][] Sequences = [[1, 2, 3], [4, 5], [6, 7, 8, 9, 10], []];

    [Theory]
    [InlineData(SequenceSide.Pre, SequenceSide.Pre, new[] { 0, 1, 2, 3, 0, 0, 4, 5, 7, 8, 9, 10, 0, 0, 0, 0 })]
    [InlineData(SequenceSide.Post, SequenceSide.Pre, new[] { 1, 2, 3, 0, 4, 5, 0, 0, 7, 8, 9, 10, 0, 0, 0, 0 })]
    [InlineData(SequenceSide.Pre, SequenceSide.Post, new[] { 0, 1, 2, 3, 0, 0, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0 })]
    [InlineData(SequenceSide.Post, SequenceSide.Post, new[] { 1, 2, 3, 0, 4, 5, 0, 0, 6, 7, 8, 9, 0, 0, 0, 0 })]
    public void Pad_ToFour(SequenceSide padding, SequenceSide truncating, int[] expected)
    {
        var padded = SequencePadding.Pad(Sequences, 4, padding, truncating);

        Assert.Equal(4, padded.Rows);
        Assert.Equal(4, padded.Length);
        Assert.Equal(expected, padded.Ids);
        Assert.Equal(expected[8..12], padded.Row(2).ToArray());
    }

    [Fact]
    public void Pad_DefaultsArePreAndTheLongestLength()
    {
        var padded = SequencePadding.Pad(Sequences);

        Assert.Equal(5, padded.Length);
        Assert.Equal([0, 0, 1, 2, 3, 0, 0, 0, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0], padded.Ids);
    }

    [Fact]
    public void Pad_WithAnotherValue_AndLengthZero()
    {
        Assert.Equal([-1, 4, 5], SequencePadding.Pad([[4, 5]], 3, value: -1).Ids);
        Assert.Empty(SequencePadding.Pad(Sequences, 0).Ids);
        Assert.Equal(0, SequencePadding.Pad([]).Rows);
    }

    [Fact]
    public void Pad_RefusesANegativeLengthAndAnUnknownSide()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SequencePadding.Pad(Sequences, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SequencePadding.Pad(Sequences, 2, (SequenceSide)7));
    }
}
