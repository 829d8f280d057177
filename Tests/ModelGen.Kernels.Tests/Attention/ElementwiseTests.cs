using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Attention;

/// <summary>Axpby, Multiply, SwapAxes, CopyRows, MeanAxis and MeanAxisBackward against plain loops at every width.</summary>
public sealed class ElementwiseTests
{
    public static IEnumerable<object[]> Lengths() => Widths.Times(new[] { 0, 1, 7, 15, 17, 31, 33, 37, 101, 457 }.Select(n => new object[] { n }));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Axpby_MatchesReference_InPlaceAndBetaZeroIgnoresNaN(int count, int width)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, count), b = TestData.Uniform(random, count);
        using var arena = new TestArena();
        Buf va = arena.Put(a), vb = arena.Put(b), y = arena.Zeros(count), nan = arena.Put(Enumerable.Repeat(float.NaN, count).ToArray());
        Buf ya = arena.Put(a), yb = arena.Put(b), scaled = arena.Zeros(count);

        Widths.Run(width, () =>
        {
            arena.Backend.Axpby(0.5f, va, -2f, vb, y, count);
            arena.Backend.Axpby(3f, va, 0f, nan, scaled, count);
            arena.Backend.Axpby(0.5f, ya, -2f, vb, ya, count);
            arena.Backend.Axpby(0.5f, va, -2f, yb, yb, count);
        });

        double[] expected = a.Select((v, i) => (0.5 * v) - (2.0 * b[i])).ToArray();
        TestData.Close(expected, arena.Get(y), Tolerance.Elementwise, "y");
        TestData.Close(a.Select(v => 3.0 * v).ToArray(), arena.Get(scaled), Tolerance.Elementwise, "3a");
        Assert.Equal(arena.Get(y), arena.Get(ya));
        Assert.Equal(arena.Get(y), arena.Get(yb));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Multiply_OverwritesOrAccumulates_AndWorksInPlace(int count, int width)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, count), b = TestData.Uniform(random, count), y0 = TestData.Uniform(random, count);
        using var arena = new TestArena();
        Buf va = arena.Put(a), vb = arena.Put(b), y = arena.Zeros(count), acc = arena.Put(y0), inPlace = arena.Put(a);

        Widths.Run(width, () =>
        {
            arena.Backend.Multiply(va, vb, y, count, false);
            arena.Backend.Multiply(va, vb, acc, count, true);
            arena.Backend.Multiply(inPlace, vb, inPlace, count, false);
        });

        TestData.Close(a.Select((v, i) => (double)v * b[i]).ToArray(), arena.Get(y), Tolerance.Elementwise, "y");
        TestData.Close(a.Select((v, i) => y0[i] + ((double)v * b[i])).ToArray(), arena.Get(acc), Tolerance.Elementwise, "y +=");
        Assert.Equal(arena.Get(y), arena.Get(inPlace));
    }

    public static IEnumerable<object[]> SwapShapes() => Widths.Times(new[]
    {
        new object[] { 2, 5, 1, 4, 32 }, new object[] { 1, 7, 1, 9, 1 }, new object[] { 3, 4, 5, 2, 17 }, new object[] { 2, 3, 2, 3, 7 },
        new object[] { 1, 1, 1, 1, 33 }, new object[] { 2, 0, 3, 4, 5 },
    });

    [Theory]
    [MemberData(nameof(SwapShapes))]
    public void SwapAxes_MatchesReference_AndAccumulates(int outer, int first, int middle, int second, int innermost, int width)
    {
        int count = outer * first * middle * second * innermost;
        var random = new Random(42);
        float[] x = TestData.Uniform(random, count), y0 = TestData.Uniform(random, count);
        using var arena = new TestArena();
        Buf vx = arena.Put(x), y = arena.Zeros(count), acc = arena.Put(y0), back = arena.Zeros(count);

        Widths.Run(width, () =>
        {
            arena.Backend.SwapAxes(vx, y, outer, first, middle, second, innermost, false);
            arena.Backend.SwapAxes(vx, acc, outer, first, middle, second, innermost, true);
            arena.Backend.SwapAxes(y, back, outer, second, middle, first, innermost, false);
        });

        double[] expected = AttentionReference.SwapAxes(TestData.ToDouble(x), outer, first, middle, second, innermost);
        Assert.Equal(expected.Select(v => (float)v).ToArray(), arena.Get(y));
        TestData.Close(expected.Select((v, i) => v + y0[i]).ToArray(), arena.Get(acc), Tolerance.Elementwise, "y +=");
        Assert.Equal(x, arena.Get(back));
    }

    [Theory]
    [MemberData(nameof(Widths.Data), MemberType = typeof(Widths))]
    public void CopyRows_ConcatenatesAndSplits_AndAccumulates(int width)
    {
        const int rows = 5, left = 3, right = 17;
        var random = new Random(42);
        float[] l = TestData.Uniform(random, rows * left), r = TestData.Uniform(random, rows * right), y0 = TestData.Uniform(random, rows * (left + right));
        using var arena = new TestArena();
        Buf vl = arena.Put(l), vr = arena.Put(r), joined = arena.Zeros(rows * (left + right)), acc = arena.Put(y0);
        Buf splitL = arena.Zeros(rows * left), splitR = arena.Zeros(rows * right);

        Widths.Run(width, () =>
        {
            arena.Backend.CopyRows(vl, left, joined, left + right, rows, left, false);
            arena.Backend.CopyRows(vr, right, joined.Slice(left, (rows * (left + right)) - left), left + right, rows, right, false);
            arena.Backend.CopyRows(vr, right, acc.Slice(left, (rows * (left + right)) - left), left + right, rows, right, true);
            arena.Backend.CopyRows(joined, left + right, splitL, left, rows, left, false);
            arena.Backend.CopyRows(joined.Slice(left, (rows * (left + right)) - left), left + right, splitR, right, rows, right, false);
        });

        double[] expected = AttentionReference.CopyRows(TestData.ToDouble(l), left, new double[rows * (left + right)], left + right, rows, left, false);
        double[] tail = AttentionReference.CopyRows(TestData.ToDouble(r), right, expected[left..], left + right, rows, right, false);
        Assert.Equal(expected[..left].Concat(tail).Select(v => (float)v).ToArray(), arena.Get(joined));
        Assert.Equal(l, arena.Get(splitL));
        Assert.Equal(r, arena.Get(splitR));
        double[] summed = AttentionReference.CopyRows(TestData.ToDouble(r), right, TestData.ToDouble(y0)[left..], left + right, rows, right, true);
        TestData.Close(TestData.ToDouble(y0)[..left].Concat(summed).ToArray(), arena.Get(acc), Tolerance.Elementwise, "y +=");
    }

    [Theory]
    [MemberData(nameof(Widths.Data), MemberType = typeof(Widths))]
    public void CopyRows_SourceStrideZero_RepeatsOneRun(int width)
    {
        float[] run = TestData.Uniform(new Random(42), 19);
        using var arena = new TestArena();
        Buf source = arena.Put(run), destination = arena.Zeros(4 * 21);

        Widths.Run(width, () => arena.Backend.CopyRows(source, 0, destination, 21, 4, 19, false));

        float[] result = arena.Get(destination);
        for (int r = 0; r < 4; r++)
        {
            Assert.Equal(run, result[(r * 21)..((r * 21) + 19)]);
            Assert.Equal([0f, 0f], result[((r * 21) + 19)..((r + 1) * 21)]);
        }
    }

    public static IEnumerable<object[]> MeanShapes() => Widths.Times(new[]
    {
        new object[] { 3, 4, 1 }, new object[] { 2, 7, 17 }, new object[] { 4, 5, 33 }, new object[] { 2, 64, 128 }, new object[] { 2, 0, 5 },
    });

    [Theory]
    [MemberData(nameof(MeanShapes))]
    public void MeanAxis_MatchesReference_WithAndWithoutMask(int outer, int length, int width, int simd)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, outer * length * width), mask = MaskWithEmptyRow(random, outer, length);
        using var arena = new TestArena();
        Buf vx = arena.Put(x), vm = arena.Put(mask), none = arena.Zeros(0), y = arena.Zeros(outer * width), ym = arena.Put(Enumerable.Repeat(float.NaN, outer * width).ToArray());

        Widths.Run(simd, () =>
        {
            arena.Backend.MeanAxis(vx, none, y, outer, length, width);
            arena.Backend.MeanAxis(vx, vm, ym, outer, length, width);
        });

        TestData.Close(AttentionReference.MeanAxis(TestData.ToDouble(x), null, outer, length, width), arena.Get(y), Tolerance.Elementwise, "y");
        TestData.Close(AttentionReference.MeanAxis(TestData.ToDouble(x), TestData.ToDouble(mask), outer, length, width), arena.Get(ym), Tolerance.Elementwise, "y masked");
    }

    [Theory]
    [MemberData(nameof(MeanShapes))]
    public void MeanAxisBackward_MatchesReference_AndAccumulates(int outer, int length, int width, int simd)
    {
        var random = new Random(42);
        float[] dy = TestData.Uniform(random, outer * width), mask = MaskWithEmptyRow(random, outer, length), dx0 = TestData.Uniform(random, outer * length * width);
        using var arena = new TestArena();
        Buf vdy = arena.Put(dy), vm = arena.Put(mask), none = arena.Zeros(0), dx = arena.Put(Enumerable.Repeat(float.NaN, dx0.Length).ToArray()), acc = arena.Put(dx0);

        Widths.Run(simd, () =>
        {
            arena.Backend.MeanAxisBackward(vdy, none, dx, outer, length, width, false);
            arena.Backend.MeanAxisBackward(vdy, vm, acc, outer, length, width, true);
        });

        TestData.Close(AttentionReference.MeanAxisBackward(TestData.ToDouble(dy), null, outer, length, width), arena.Get(dx), Tolerance.Elementwise, "dx");
        double[] masked = AttentionReference.MeanAxisBackward(TestData.ToDouble(dy), TestData.ToDouble(mask), outer, length, width);
        TestData.Close(masked.Select((v, i) => v + dx0[i]).ToArray(), arena.Get(acc), Tolerance.Elementwise, "dx +=");
    }

    /// <summary>A (O, L) mask keeping about two positions in three, with the first row masked entirely.</summary>
    private static float[] MaskWithEmptyRow(Random random, int outer, int length)
    {
        float[] mask = new float[outer * length];
        for (int i = length; i < mask.Length; i++)
        {
            mask[i] = random.Next(3) != 0 ? 1f : 0f;
        }

        return mask;
    }
}
