using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Cpu.Simd;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Pooling;

public sealed class PoolingTests
{
    /// <summary>Windows by name: the 2x2 stride-2 fast path (even, odd and wide maps), overlapping and gapped windows, 1x1 maps, global windows.</summary>
    private static readonly Dictionary<string, Pool2DShape> Named = new()
    {
        ["2x2 s2 even 8x8"] = Shape(3, 8, 8, 2, 2, 2, 2),
        ["2x2 s2 odd 7x5"] = Shape(2, 7, 5, 2, 2, 2, 2),
        ["2x2 s2 wide 4x70"] = Shape(2, 4, 70, 2, 2, 2, 2),
        ["3x3 s1 overlapping"] = Shape(2, 7, 6, 3, 3, 1, 1),
        ["3x2 s(2,1) overlapping"] = Shape(1, 9, 7, 3, 2, 2, 1),
        ["2x2 s3 gaps"] = Shape(2, 8, 8, 2, 2, 3, 3),
        ["1x1 map"] = Shape(4, 1, 1, 1, 1, 1, 1),
        ["global 5x3"] = Shape(3, 5, 3, 5, 3, 1, 1),
    };

    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (string name in Named.Keys)
        {
            data.Add(name, 1);
            data.Add(name, 3);
        }

        return data;
    }

    public static TheoryData<int> Widths() => new() { 512, 256, 128, 1 };

    private static Pool2DShape Shape(int c, int h, int w, int ph, int pw, int sh, int sw) =>
        new(c, h, w, ph, pw, sh, sw, ((h - ph) / sh) + 1, ((w - pw) / sw) + 1);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxForward_MatchesReference(string name, int batch) => RunMaxForward(Named[name], batch, width: 0, ties: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxForward_FirstMaximumWinsTies(string name, int batch) => RunMaxForward(Named[name], batch, width: 0, ties: true);

    [Theory]
    [MemberData(nameof(Widths))]
    public void MaxForward_EachVectorWidth(int width)
    {
        // Rows of 35, 2, 13 (one masked 512-bit vector), 5 (odd map), 16 and 17 outputs: full vectors, partial ones, both.
        Pool2DShape[] shapes =
        [
            Named["2x2 s2 wide 4x70"], Named["2x2 s2 odd 7x5"], Shape(2, 26, 26, 2, 2, 2, 2), Shape(3, 11, 11, 2, 2, 2, 2),
            Shape(1, 4, 32, 2, 2, 2, 2), Shape(1, 5, 35, 2, 2, 2, 2),
        ];
        foreach (Pool2DShape s in shapes)
        {
            RunMaxForward(s, 3, width, ties: false);
            RunMaxForward(s, 3, width, ties: true);
        }

        RunMaxNaN(width);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    [InlineData(128)]
    [InlineData(1)]
    public void MaxForward_NaNWins(int width) => RunMaxNaN(width);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxBackward_MatchesFiniteDifferences(string name, int batch)
    {
        Pool2DShape s = Named[name];
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize), dy = TestData.Uniform(random, batch * s.OutputSize);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(dy.Length), av = arena.Zeros(dy.Length), dyv = arena.Put(dy);
        Buf dxv = arena.Put(TestData.Uniform(random, x.Length)); // garbage: the backward overwrites
        arena.Backend.MaxPool2DForward(xv, yv, av, batch, s);

        arena.Backend.MaxPool2DBackward(dyv, av, default, dxv, batch, s);

        double Objective(double[] xs) => PoolingReference.MaxForward(xs, batch, s).Y.Select((v, i) => v * dy[i]).Sum();
        TestData.Close(TestData.NumericGradient(Objective, TestData.ToDouble(x)), arena.Get(dxv), Tolerance.Gradient, "dx");
    }

    /// <summary>
    /// With the pool's output given, the ReLU before it is differentiated too: dx is the gradient of
    /// sum(dy * maxpool(relu(x))) with respect to x, against finite differences of that composition.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void MaxBackward_FusedRelu_MatchesFiniteDifferencesOfReluThenPool(string name, int batch)
    {
        Pool2DShape s = Named[name];
        var random = new Random(43);
        float[] x = TestData.Uniform(random, batch * s.InputSize), dy = TestData.Uniform(random, batch * s.OutputSize);
        float[] relu = [.. x.Select(v => Math.Max(v, 0f))];
        using var arena = new TestArena();
        Buf rv = arena.Put(relu), yv = arena.Zeros(dy.Length), av = arena.Zeros(dy.Length), dyv = arena.Put(dy);
        Buf dxv = arena.Put(TestData.Uniform(random, x.Length));
        arena.Backend.MaxPool2DForward(rv, yv, av, batch, s);

        arena.Backend.MaxPool2DBackward(dyv, av, yv, dxv, batch, s);

        double Objective(double[] xs) =>
            PoolingReference.MaxForward([.. xs.Select(v => Math.Max(v, 0.0))], batch, s).Y.Select((v, i) => v * dy[i]).Sum();
        TestData.Close(TestData.NumericGradient(Objective, TestData.ToDouble(x)), arena.Get(dxv), Tolerance.Gradient, "dx");
    }

    /// <summary>
    /// The one-pass backward (non-overlapping windows) and the scatter (overlapping ones) at every vector width,
    /// with and without the fused ReLU: dx must equal dy placed at each window's arg-max exactly (0 elsewhere,
    /// the garbage in dx overwritten), on maps below, at and above each vector width, odd sizes and gaps.
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths))]
    public void MaxBackward_EachVectorWidth_PlacesDyAtTheArgMax(int width)
    {
        Pool2DShape[] shapes =
        [
            Named["2x2 s2 even 8x8"], Named["2x2 s2 odd 7x5"], Named["2x2 s2 wide 4x70"], Named["2x2 s3 gaps"],
            Named["3x3 s1 overlapping"], Named["1x1 map"], Shape(2, 9, 37, 2, 2, 2, 2), Shape(2, 5, 17, 2, 2, 2, 2),
            Shape(2, 26, 26, 2, 2, 2, 2), Shape(3, 11, 11, 2, 2, 2, 2), Shape(1, 8, 11, 2, 3, 3, 4),
        ];
        foreach (Pool2DShape s in shapes)
        {
            RunMaxBackward(s, 3, width, relu: false, ties: false);
            RunMaxBackward(s, 3, width, relu: true, ties: false);
            RunMaxBackward(s, 2, width, relu: true, ties: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgForward_MatchesReference(string name, int batch)
    {
        Pool2DShape s = Named[name];
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Put(TestData.Uniform(random, batch * s.OutputSize));

        arena.Backend.AvgPool2DForward(xv, yv, batch, s);

        TestData.Close(PoolingReference.AvgForward(TestData.ToDouble(x), batch, s), arena.Get(yv), Tolerance.Elementwise, "y");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AvgBackward_MatchesFiniteDifferences(string name, int batch)
    {
        Pool2DShape s = Named[name];
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize), dy = TestData.Uniform(random, batch * s.OutputSize);
        using var arena = new TestArena();
        Buf dyv = arena.Put(dy), dxv = arena.Put(TestData.Uniform(random, x.Length));

        arena.Backend.AvgPool2DBackward(dyv, dxv, batch, s);

        double Objective(double[] xs) => PoolingReference.AvgForward(xs, batch, s).Select((v, i) => v * dy[i]).Sum();
        TestData.Close(TestData.NumericGradient(Objective, TestData.ToDouble(x)), arena.Get(dxv), Tolerance.Gradient, "dx");
    }

    [Fact]
    public void WarmCalls_AllocateNothing()
    {
        Pool2DShape s = Shape(8, 12, 12, 2, 2, 2, 2), g = Shape(8, 12, 12, 3, 3, 1, 1);
        const int batch = 4;
        using var arena = new TestArena();
        Buf x = arena.Put(TestData.Uniform(new Random(42), batch * s.InputSize)), dx = arena.Zeros(batch * s.InputSize);
        Buf y = arena.Zeros(batch * g.OutputSize), a = arena.Zeros(batch * g.OutputSize);
        void Step()
        {
            arena.Backend.MaxPool2DForward(x, y, a, batch, s);
            arena.Backend.MaxPool2DBackward(y, a, default, dx, batch, s);
            arena.Backend.MaxPool2DForward(x, y, a, batch, g);
            arena.Backend.AvgPool2DForward(x, y, batch, g);
            arena.Backend.AvgPool2DBackward(y, dx, batch, g);
        }

        Assert.Equal(0, TestData.SteadyStateBytes(Step));
    }

    [Fact]
    public void Validation_RejectsInconsistentShapes()
    {
        using var arena = new TestArena();
        Buf v = arena.Zeros(1000);
        Assert.Throws<ArgumentException>(() => arena.Backend.AvgPool2DForward(v, v, 1, new Pool2DShape(1, 4, 4, 2, 2, 2, 2, 3, 2)));
        Assert.Throws<ArgumentException>(() => arena.Backend.AvgPool2DForward(v, v, 1, new Pool2DShape(1, 1, 4, 2, 2, 2, 2, 0, 2)));
    }

    private static void RunMaxForward(Pool2DShape s, int batch, int width, bool ties)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize);
        if (ties)
        {
            // Few distinct values: most windows hold their maximum more than once.
            x = x.Select(v => MathF.Round(v * 2f) / 2f).ToArray();
        }

        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(batch * s.OutputSize), av = arena.Zeros(batch * s.OutputSize);

        SimdWidth.Forced = width;
        try
        {
            arena.Backend.MaxPool2DForward(xv, yv, av, batch, s);
        }
        finally
        {
            SimdWidth.Forced = 0;
        }

        (double[] y, int[] argmax) = PoolingReference.MaxForward(TestData.ToDouble(x), batch, s);
        TestData.Close(y, arena.Get(yv), 0, $"y (width {width})");
        Assert.Equal(argmax.Select(i => (float)i).ToArray(), arena.Get(av));
    }

    private static void RunMaxBackward(Pool2DShape s, int batch, int width, bool relu, bool ties)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize), dy = TestData.Uniform(random, batch * s.OutputSize);
        if (relu)
        {
            x = [.. x.Select(v => Math.Max(v, 0f))]; // a ReLU's output: some windows all 0
        }

        if (ties)
        {
            x = [.. x.Select(v => MathF.Round(v * 2f) / 2f)];
        }

        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(dy.Length), av = arena.Zeros(dy.Length), dyv = arena.Put(dy);
        Buf dxv = arena.Put(TestData.Uniform(random, x.Length)); // garbage: the backward overwrites
        SimdWidth.Forced = width;
        try
        {
            arena.Backend.MaxPool2DForward(xv, yv, av, batch, s);
            arena.Backend.MaxPool2DBackward(dyv, av, relu ? yv : default, dxv, batch, s);
        }
        finally
        {
            SimdWidth.Forced = 0;
        }

        float[] y = arena.Get(yv), argmax = arena.Get(av);
        var expected = new float[x.Length];
        for (int plane = 0; plane < batch * s.Channels; plane++)
        {
            for (int o = 0; o < s.OutputSize / s.Channels; o++)
            {
                int i = (plane * (s.OutputSize / s.Channels)) + o;
                expected[(plane * (s.InputSize / s.Channels)) + (int)argmax[i]] += !relu || y[i] > 0f ? dy[i] : 0f;
            }
        }

        Assert.Equal(expected, arena.Get(dxv));
    }

    /// <summary>NaNs scattered over a 2x2 stride-2 pool and a general one: the window's first NaN wins.</summary>
    private static void RunMaxNaN(int width)
    {
        foreach (Pool2DShape s in new[] { Shape(2, 6, 70, 2, 2, 2, 2), Shape(2, 26, 26, 2, 2, 2, 2), Shape(2, 11, 11, 2, 2, 2, 2), Shape(2, 7, 7, 3, 3, 2, 2) })
        {
            var random = new Random(42);
            float[] x = TestData.Uniform(random, 2 * s.InputSize);
            for (int i = 0; i < x.Length; i += 1 + random.Next(9))
            {
                x[i] = float.NaN;
            }

            using var arena = new TestArena();
            Buf xv = arena.Put(x), yv = arena.Zeros(2 * s.OutputSize), av = arena.Zeros(2 * s.OutputSize);
            SimdWidth.Forced = width;
            try
            {
                arena.Backend.MaxPool2DForward(xv, yv, av, 2, s);
            }
            finally
            {
                SimdWidth.Forced = 0;
            }

            (double[] y, int[] argmax) = PoolingReference.MaxForward(TestData.ToDouble(x), 2, s);
            float[] actual = arena.Get(yv);
            for (int i = 0; i < y.Length; i++)
            {
                Assert.True(double.IsNaN(y[i]) ? float.IsNaN(actual[i]) : actual[i] == y[i], $"y[{i}]: expected {y[i]} but got {actual[i]} (width {width})");
            }

            Assert.Equal(argmax.Select(i => (float)i).ToArray(), arena.Get(av));
        }
    }
}
