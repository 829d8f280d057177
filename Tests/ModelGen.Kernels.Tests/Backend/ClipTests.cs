namespace ModelGen.Kernels.Tests.Backend;

public sealed class ClipTests
{
    public static TheoryData<int> Lengths() => new(TestData.Lengths);

    public static IEnumerable<object[]> LengthsAtWidths() => Widths.Times(TestData.Lengths.Select(n => new object[] { n }));

    public static IEnumerable<object[]> PoisonAtWidths() => Widths.Times(new[] { new object[] { 1, 0 }, [17, 16], [33, 5], [101, 100] });

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ClipByValue_ClampsEachElement(int length)
    {
        var random = new Random(42);
        float[] g = TestData.Uniform(random, length, -3f, 3f);
        using var arena = new TestArena();
        Buf gv = arena.Put(g);

        arena.Backend.ClipByValue(gv, 1.5f);

        Assert.Equal(g.Select(v => Math.Clamp(v, -1.5f, 1.5f)).ToArray(), arena.Get(gv));
    }

    [Theory]
    [MemberData(nameof(LengthsAtWidths))]
    public void ClipByNorm_ScalesOnlyWhenAboveTheLimit(int length, int width)
    {
        var random = new Random(42);
        float[] g = TestData.Uniform(random, length, -3f, 3f);
        double norm = Math.Sqrt(g.Sum(v => (double)v * v));
        using var arena = new TestArena();
        Buf low = arena.Put(g), high = arena.Put(g);

        Widths.Run(width, () =>
        {
            arena.Backend.ClipByNorm(low, (float)(norm / 2));
            arena.Backend.ClipByNorm(high, (float)(norm * 2));
        });

        TestData.Close(g.Select(v => v * 0.5).ToArray(), arena.Get(low), Tolerance.Elementwise, "clipped");
        Assert.Equal(g, arena.Get(high));
    }

    [Theory]
    [MemberData(nameof(PoisonAtWidths))]
    public void AllFinite_DetectsNaNAndInfinity(int length, int bad, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, length);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), result = arena.Zeros(1);

        Widths.Run(width, () => arena.Backend.AllFinite(xv, result));
        Assert.Equal(1f, arena.Get(result)[0]);

        foreach (float poison in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            x[bad] = poison;
            arena.Backend.Upload(x, xv);
            Widths.Run(width, () => arena.Backend.AllFinite(xv, result));
            Assert.Equal(0f, arena.Get(result)[0]);
        }
    }
}
