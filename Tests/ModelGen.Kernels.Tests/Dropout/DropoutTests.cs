using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Dropout;

public sealed class DropoutTests
{
    private const float Rate = 0.3f;
    private const ulong Seed = 1234;
    private const ulong Stream = 77;

    /// <summary>How far the kept fraction of 200 000 draws may stray from 1 - rate (about 10 standard deviations).</summary>
    private const double KeptFractionTolerance = 0.01;

    public static IEnumerable<object[]> LengthsAtWidths() => Widths.Times(TestData.Lengths.Select(n => new object[] { n }));

    [Theory]
    [MemberData(nameof(LengthsAtWidths))]
    public void Forward_MaskIsExactlyTheCounterFormula(int length, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, length);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(length), mask = arena.Zeros(length);

        Widths.Run(width, () => arena.Backend.DropoutForward(xv, yv, mask, Rate, Seed, Stream));

        float[] m = arena.Get(mask), y = arena.Get(yv);
        float keep = 1f / (1f - Rate);
        for (int i = 0; i < length; i++)
        {
            float expected = CounterRandom.Uniform(Seed, Stream + (ulong)i) >= Rate ? keep : 0f;
            Assert.Equal(expected, m[i]);
            Assert.Equal(x[i] * expected, y[i]);
        }
    }

    [Fact]
    public void Forward_SameSeedSameMask_KeptFractionNearOneMinusRate()
    {
        const int length = 200_000;
        using var arena = new TestArena();
        Buf x = arena.Put(Enumerable.Repeat(1f, length).ToArray());
        Buf y1 = arena.Zeros(length), m1 = arena.Zeros(length), y2 = arena.Zeros(length), m2 = arena.Zeros(length);

        arena.Backend.DropoutForward(x, y1, m1, Rate, Seed, Stream);
        arena.Backend.DropoutForward(x, y2, m2, Rate, Seed, Stream);

        float[] mask = arena.Get(m1);
        Assert.Equal(mask, arena.Get(m2));
        Assert.All(mask, v => Assert.True(v == 0f || v == 1f / (1f - Rate)));
        double kept = mask.Count(v => v != 0f) / (double)length;
        Assert.InRange(kept, 1 - Rate - KeptFractionTolerance, 1 - Rate + KeptFractionTolerance);

        // Scaling by 1 / (1 - rate) keeps the mean of the output near the mean of the input.
        Assert.InRange(arena.Get(y1).Average(), 1 - (KeptFractionTolerance / (1 - Rate)), 1 + (KeptFractionTolerance / (1 - Rate)));
    }

    [Fact]
    public void Forward_OtherStream_DrawsOtherMask()
    {
        const int length = 64;
        using var arena = new TestArena();
        Buf x = arena.Put(Enumerable.Repeat(1f, length).ToArray());
        Buf m1 = arena.Zeros(length), m2 = arena.Zeros(length);

        arena.Backend.DropoutForward(x, arena.Zeros(length), m1, Rate, Seed, Stream);
        arena.Backend.DropoutForward(x, arena.Zeros(length), m2, Rate, Seed, Stream + length);

        Assert.NotEqual(arena.Get(m1), arena.Get(m2));
    }

    public static IEnumerable<object[]> BackwardLengths() => Widths.Times([[1], [17], [101]]);

    [Theory]
    [MemberData(nameof(BackwardLengths))]
    public void Backward_MatchesFiniteDifferences(int length, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, length), dy = TestData.Uniform(random, length);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), mask = arena.Zeros(length), dyv = arena.Put(dy);
        arena.Backend.DropoutForward(xv, arena.Zeros(length), mask, Rate, Seed, Stream);
        float[] m = arena.Get(mask);

        Widths.Run(width, () => arena.Backend.DropoutBackward(dyv, mask, dyv));

        double[] expected = TestData.NumericGradient(xs => xs.Select((v, i) => v * m[i] * dy[i]).Sum(), TestData.ToDouble(x));
        TestData.Close(expected, arena.Get(dyv), Tolerance.Gradient, "dx");
    }
}
