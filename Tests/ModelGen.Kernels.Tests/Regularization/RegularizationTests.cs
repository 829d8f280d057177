using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Regularization;

/// <summary>
/// IBackend.Regularize (Keras' L1 and L2 weight regularisers) at every vector width: values worked out by hand, the
/// double reference at lengths around the vector widths and the 16-element blocks of the sums, every width bitwise
/// equal to the scalar path, the penalty's gradient against central differences, sign 0 at +-0, the loss alone.
/// </summary>
public sealed class RegularizationTests
{
    /// <summary>Lengths across every width's vector body and tail and the sums' 16-element blocks.</summary>
    private static readonly int[] RegularizationLengths = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 37, 101, 457];

    private static readonly (float L1, float L2)[] Factors = [(0.01f, 0f), (0f, 0.02f), (0.03f, 0.005f)];

    public static TheoryData<int> AllWidths() => Widths.Data();

    public static IEnumerable<object[]> CasesAtWidths() =>
        Widths.Times(RegularizationLengths.SelectMany(n => Factors.Select(f => new object[] { n, f.L1, f.L2 })));

    public static IEnumerable<object[]> LengthsAndFactors() =>
        RegularizationLengths.SelectMany(n => Factors.Select(f => new object[] { n, f.L1, f.L2 }));

    // w = (0.5, -2, 0, 3), g = 0.1 each, l1 = 0.1, l2 = 0.01:
    // g + 0.1 sign(w) + 0.02 w = (0.1 + 0.1 + 0.01, 0.1 - 0.1 - 0.04, 0.1 + 0 + 0, 0.1 + 0.1 + 0.06) = (0.21, -0.04, 0.1, 0.26);
    // loss = 1 + 0.1 * (0.5 + 2 + 0 + 3) + 0.01 * (0.25 + 4 + 0 + 9) = 1 + 0.55 + 0.1325 = 1.6825.
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void BothFactors_ByHand(int width)
    {
        using var arena = new TestArena();
        Buf w = arena.Put([0.5f, -2f, 0f, 3f]), g = arena.Put([0.1f, 0.1f, 0.1f, 0.1f]), loss = arena.Put([1f]);

        Widths.Run(width, () => arena.Backend.Regularize(w, g, loss, 0.1f, 0.01f));

        TestData.Close([0.21, -0.04, 0.1, 0.26], arena.Get(g), Tolerance.Elementwise, "g");
        TestData.Close([1.6825], arena.Get(loss), Tolerance.Elementwise, "loss");
        Assert.Equal([0.5f, -2f, 0f, 3f], arena.Get(w));
    }

    // L1 alone: g + 0.5 sign(w) = (0.5, -0.5, 0); loss = 0 + 0.5 * (1 + 4) = 2.5.
    // L2 alone: g + 2 * 0.25 w = (0.5, -2, 0); loss = 0 + 0.25 * (1 + 16) = 4.25.
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void OneFactorAlone_ByHand(int width)
    {
        using var arena = new TestArena();
        Buf w = arena.Put([1f, -4f, 0f]), g1 = arena.Zeros(3), g2 = arena.Zeros(3), loss1 = arena.Zeros(1), loss2 = arena.Zeros(1);

        Widths.Run(width, () =>
        {
            arena.Backend.Regularize(w, g1, loss1, 0.5f, 0f);
            arena.Backend.Regularize(w, g2, loss2, 0f, 0.25f);
        });

        Assert.Equal([0.5f, -0.5f, 0f], arena.Get(g1));
        Assert.Equal(2.5f, arena.Get(loss1)[0]);
        Assert.Equal([0.5f, -2f, 0f], arena.Get(g2));
        Assert.Equal(4.25f, arena.Get(loss2)[0]);
    }

    [Theory]
    [MemberData(nameof(CasesAtWidths))]
    public void MatchesDoubleReference(int length, float l1, float l2, int width)
    {
        var random = new Random(42);
        float[] w = TestData.Uniform(random, length, -2f, 2f), g = TestData.Uniform(random, length);
        using var arena = new TestArena();
        Buf wv = arena.Put(w), gv = arena.Put(g), loss = arena.Put([0.25f]);

        Widths.Run(width, () => arena.Backend.Regularize(wv, gv, loss, l1, l2));

        double[] wd = TestData.ToDouble(w);
        TestData.Close(RegularizationReference.Gradient(wd, TestData.ToDouble(g), l1, l2), arena.Get(gv), Tolerance.Elementwise, "g");
        TestData.Close([0.25 + RegularizationReference.Penalty(wd, l1, l2)], arena.Get(loss), Tolerance.Elementwise, "loss");
    }

    /// <summary>The gradient term is the derivative of the penalty: central differences of the double penalty (no w near 0).</summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void GradientTermIsThePenaltysDerivative(int width)
    {
        var random = new Random(42);
        float[] w = TestData.Uniform(random, 37, 0.1f, 2f);
        for (int i = 0; i < w.Length; i += 2)
        {
            w[i] = -w[i];
        }

        using var arena = new TestArena();
        Buf wv = arena.Put(w), gv = arena.Zeros(w.Length), loss = arena.Zeros(1);

        Widths.Run(width, () => arena.Backend.Regularize(wv, gv, loss, 0.03f, 0.005f));

        double[] numeric = TestData.NumericGradient(x => RegularizationReference.Penalty(x, 0.03f, 0.005f), TestData.ToDouble(w));
        TestData.Close(numeric, arena.Get(gv), Tolerance.Gradient, "g");
    }

    /// <summary>The sums run over fixed lanes and the gradient is element-wise without fused multiply-adds: every width gives the scalar path's bits.</summary>
    [Theory]
    [MemberData(nameof(LengthsAndFactors))]
    public void EveryWidthEqualsScalarBitwise(int length, float l1, float l2)
    {
        var random = new Random(42);
        float[] w = TestData.Uniform(random, length, -3f, 3f), g = TestData.Uniform(random, length);
        (float[] G, float Loss) Run(int width)
        {
            using var arena = new TestArena(1 << 12);
            Buf wv = arena.Put(w), gv = arena.Put(g), loss = arena.Put([0.3f]);
            Widths.Run(width, () => arena.Backend.Regularize(wv, gv, loss, l1, l2));
            return (arena.Get(gv), arena.Get(loss)[0]);
        }

        (float[] scalarG, float scalarLoss) = Run(1);
        foreach (int width in Widths.All)
        {
            (float[] got, float loss) = Run(width);
            Assert.Equal(scalarG, got);
            Assert.Equal(BitConverter.SingleToInt32Bits(scalarLoss), BitConverter.SingleToInt32Bits(loss));
        }
    }

    /// <summary>sign(+-0) = 0 as TensorFlow's: with L1 alone, zero weights leave their gradients as they were, bit for bit.</summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void SignAtZeroIsZero(int width)
    {
        var weights = new float[37];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = i % 3 == 0 ? 0f : i % 3 == 1 ? -0f : 1.5f;
        }

        float[] g = TestData.Uniform(new Random(42), weights.Length);
        using var arena = new TestArena();
        Buf wv = arena.Put(weights), gv = arena.Put(g), loss = arena.Zeros(1);

        Widths.Run(width, () => arena.Backend.Regularize(wv, gv, loss, 0.25f, 0f));

        float[] got = arena.Get(gv);
        for (int i = 0; i < weights.Length; i++)
        {
            Assert.Equal(weights[i] == 0f ? g[i] : g[i] + 0.25f, got[i]);
        }

        // Twelve weights of 1.5: 0.25 * 18.
        Assert.Equal(4.5f, arena.Get(loss)[0]);
    }

    /// <summary>A NaN weight gives a NaN gradient (sign(NaN) = NaN) and a NaN loss, which stops training.</summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void NaNWeightGivesNaN(int width)
    {
        float[] w = TestData.Uniform(new Random(42), 19);
        w[5] = float.NaN;
        using var arena = new TestArena();
        Buf wv = arena.Put(w), gv = arena.Zeros(19), loss = arena.Zeros(1);

        Widths.Run(width, () => arena.Backend.Regularize(wv, gv, loss, 0.01f, 0f));

        Assert.True(float.IsNaN(arena.Get(gv)[5]));
        Assert.True(float.IsNaN(arena.Get(loss)[0]));
    }

    /// <summary>An empty gradient view adds the penalty to the loss alone (evaluation): nothing else in the arena changes.</summary>
    [Theory]
    [MemberData(nameof(AllWidths))]
    public void EmptyGradient_LossOnly(int width)
    {
        float[] w = TestData.Uniform(new Random(42), 101, -2f, 2f);
        using var arena = new TestArena(1 << 12);
        Buf wv = arena.Put(w), loss = arena.Put([0.5f]);
        float[] before = arena.Backend.Arena.ToArray();

        Widths.Run(width, () => arena.Backend.Regularize(wv, default, loss, 0.03f, 0.005f));

        float[] after = arena.Backend.Arena.ToArray();
        after[loss.Offset] = before[loss.Offset];
        Assert.Equal(before, after);
        TestData.Close([0.5 + RegularizationReference.Penalty(TestData.ToDouble(w), 0.03f, 0.005f)], arena.Get(loss), Tolerance.Elementwise, "loss");
    }

    /// <summary>No factor: no regulariser, the loss and the gradient stay as they were (bit for bit, -0 too).</summary>
    [Fact]
    public void ZeroFactors_ChangeNothing()
    {
        using var arena = new TestArena();
        Buf w = arena.Put([1f, -2f]), g = arena.Put([0.5f, -0f]), loss = arena.Put([-0f]);

        arena.Backend.Regularize(w, g, loss, 0f, 0f);

        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(arena.Get(loss)[0]));
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(arena.Get(g)[1]));
    }

    [Theory]
    [InlineData(-0.01f, 0f)]
    [InlineData(0f, -1e-3f)]
    [InlineData(float.NaN, 0f)]
    [InlineData(0f, float.PositiveInfinity)]
    public void RefusesFactorsKerasRefuses(float l1, float l2)
    {
        using var arena = new TestArena();
        Buf w = arena.Put([1f, 2f]), g = arena.Zeros(2), loss = arena.Zeros(1);

        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.Regularize(w, g, loss, l1, l2));
        Assert.Equal([0f, 0f], arena.Get(g));
        Assert.Equal(0f, arena.Get(loss)[0]);
    }

    [Fact]
    public void RefusesShortViewsBeforeWriting()
    {
        using var arena = new TestArena();
        Buf w = arena.Put([1f, 2f, 3f]), g = arena.Zeros(2), loss = arena.Zeros(1);

        Assert.Throws<ArgumentException>(() => arena.Backend.Regularize(w, g, loss, 0.1f, 0.1f));
        Assert.Throws<ArgumentException>(() => arena.Backend.Regularize(w, default, new Buf(loss.Offset, 0), 0.1f, 0.1f));
        Assert.Equal([0f, 0f], arena.Get(g));
        Assert.Equal(0f, arena.Get(loss)[0]);
    }

    [Fact]
    public void AllocatesNothingPerCall()
    {
        using var arena = new TestArena();
        Buf w = arena.Put(TestData.Uniform(new Random(42), 457)), g = arena.Zeros(457), loss = arena.Zeros(1);

        Assert.Equal(0, TestData.SteadyStateBytes(() => arena.Backend.Regularize(w, g, loss, 0.01f, 0.01f)));
    }
}
