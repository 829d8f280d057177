using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Cpu.Simd;
using ModelGen.Kernels.Tests.Reference;
using Method = ModelGen.Kernels.Cpu.Conv2DCpu.ConvMethod;

namespace ModelGen.Kernels.Tests.Conv2D;

public sealed class Conv2DTests
{
    /// <summary>Awkward geometries by name: 1x1 maps, one channel, odd sizes, strides, "same" padding with the odd extra row and column at the far edge.</summary>
    private static readonly Dictionary<string, Conv2DShape> Named = new()
    {
        ["1x1 map"] = Valid(2, 1, 1, 3, 1, 1, 1, 1),
        ["1 channel 7x5"] = Valid(1, 7, 5, 4, 3, 3, 1, 1),
        ["same 7x5 stride 2"] = Same(3, 7, 5, 5, 3, 3, 2, 2),
        ["same 6x6 k4 stride 2"] = Same(2, 6, 6, 3, 4, 4, 2, 2),
        ["same 6x7 k4 odd extra"] = Same(2, 6, 7, 3, 4, 4, 1, 1),
        ["2x3 kernel stride (1, 2)"] = Valid(2, 9, 9, 3, 2, 3, 1, 2),
        ["stride above kernel"] = Valid(1, 8, 8, 2, 2, 2, 3, 3),
        ["wide 4x33"] = Valid(2, 4, 33, 3, 3, 3, 1, 1),
    };

    private static readonly Method[] Methods = [Method.ChannelMajor, Method.RowMajor, Method.PerSample];

    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string name in Named.Keys)
        {
            foreach (Method method in Methods)
            {
                data.Add(name, 1, (int)method);
                data.Add(name, 3, (int)method);
            }
        }

        return data;
    }

    public static TheoryData<int> Widths() => new() { 512, 256, 128, 1 };

    /// <summary>"valid": no padding, OH = (H - KH) / SH + 1.</summary>
    internal static Conv2DShape Valid(int c, int h, int w, int f, int kh, int kw, int sh, int sw) =>
        new(c, h, w, f, kh, kw, sh, sw, 0, 0, ((h - kh) / sh) + 1, ((w - kw) / sw) + 1);

    /// <summary>Keras' "same": OH = ceil(H / SH), half the padding before (rounded down), the rest after.</summary>
    internal static Conv2DShape Same(int c, int h, int w, int f, int kh, int kw, int sh, int sw)
    {
        int oh = (h + sh - 1) / sh, ow = (w + sw - 1) / sw;
        int padH = Math.Max(((oh - 1) * sh) + kh - h, 0), padW = Math.Max(((ow - 1) * sw) + kw - w, 0);
        return new(c, h, w, f, kh, kw, sh, sw, padH / 2, padW / 2, oh, ow);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_MatchesReference(string name, int batch, int methodId)
    {
        var method = (Method)methodId;
        Conv2DShape s = Named[name];
        foreach (ActivationKind activation in new[] { ActivationKind.Linear, ActivationKind.ReLU, ActivationKind.Sigmoid, ActivationKind.Tanh })
        {
            RunForward(s, batch, method, activation, width: 0);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backward_MatchesFiniteDifferences(string name, int batch, int methodId) =>
        RunBackward(Named[name], batch, (Method)methodId, width: 0, withDx: true);

    [Theory]
    [InlineData((int)Method.ChannelMajor)]
    [InlineData((int)Method.RowMajor)]
    [InlineData((int)Method.PerSample)]
    public void Backward_WithoutDx_StillAccumulatesWeightAndBias(int methodId) =>
        RunBackward(Named["same 7x5 stride 2"], 3, (Method)methodId, width: 0, withDx: false);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ChannelMajorInChunks_MatchesReference(int chunk)
    {
        Conv2DCpu.ForcedChunk = chunk;
        try
        {
            foreach (string name in new[] { "1 channel 7x5", "same 7x5 stride 2", "wide 4x33" })
            {
                RunForward(Named[name], 3, Method.ChannelMajor, ActivationKind.ReLU, width: 0);
                RunBackward(Named[name], 3, Method.ChannelMajor, width: 0, withDx: true);
                RunBackward(Named[name], 3, Method.ChannelMajor, width: 0, withDx: false);
            }
        }
        finally
        {
            Conv2DCpu.ForcedChunk = 0;
        }
    }

    /// <summary>
    /// Chunks of one sample over the prepacked weight split the samples over the threads (forward, dx) and keep dW on
    /// the GEMM's own split: 1 and 2 threads give the same bits, on the benchmark's second layer at a small batch.
    /// </summary>
    [Fact]
    public void OneSampleChunks_TwoThreads_BitwiseAsOne()
    {
        Conv2DShape s = Valid(32, 13, 13, 64, 3, 3, 1, 1);
        const int batch = 5;
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize), w = TestData.Uniform(random, s.WeightSize);
        float[] bias = TestData.Uniform(random, s.Filters), dy = TestData.Uniform(random, batch * s.OutputSize);
        float[][] Run(int threads)
        {
            int patchCount = batch * s.Positions * s.PatchSize, rowCount = batch * s.Positions * s.Filters;
            using var arena = new TestArena((2 * batch * s.InputSize) + patchCount + rowCount + (2 * batch * s.OutputSize) + (3 * s.WeightSize) + 1024, threads);
            Buf xv = arena.Put(x), wv = arena.Put(w), bv = arena.Put(bias), dyv = arena.Put(dy), y = arena.Zeros(batch * s.OutputSize);
            Buf patches = arena.Zeros(patchCount), rows = arena.Zeros(rowCount);
            Buf dw = arena.Zeros(s.WeightSize), db = arena.Zeros(s.Filters), dx = arena.Zeros(batch * s.InputSize);
            arena.Backend.Conv2DForward(xv, wv, bv, patches, rows, y, batch, s, ActivationKind.ReLU);
            float[] forward = arena.Get(y);
            arena.Backend.Conv2DBackward(xv, wv, dyv, patches, rows, dw, db, dx, batch, s);
            return [forward, arena.Get(dw), arena.Get(db), arena.Get(dx)];
        }

        Conv2DCpu.ForcedChunk = 1;
        try
        {
            float[][] one = Run(1), two = Run(2);
            for (int i = 0; i < one.Length; i++)
            {
                Assert.Equal(one[i], two[i]);
            }
        }
        finally
        {
            Conv2DCpu.ForcedChunk = 0;
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void EachVectorWidth_MatchesReference(int width)
    {
        foreach (Method method in Methods)
        {
            // Runs of im2col and col2im: 31 (vectors plus a tail), 5 to 7 (clipped by padding), 11 (the benchmark's second layer), 3.
            foreach (Conv2DShape s in new[] { Named["wide 4x33"], Named["same 6x7 k4 odd extra"], Valid(2, 13, 13, 3, 3, 3, 1, 1), Named["1 channel 7x5"] })
            {
                RunForward(s, 3, method, ActivationKind.ReLU, width);
                RunForward(s, 3, method, ActivationKind.Linear, width);
                RunBackward(s, 3, method, width, withDx: true);
            }
        }
    }

    [Fact]
    public void WarmCalls_AllocateNothing()
    {
        Conv2DShape s = Same(3, 12, 12, 8, 3, 3, 1, 1);
        const int batch = 4;
        using var arena = new TestArena();
        var random = new Random(42);
        Buf x = arena.Put(TestData.Uniform(random, batch * s.InputSize)), w = arena.Put(TestData.Uniform(random, s.WeightSize));
        Buf bias = arena.Put(TestData.Uniform(random, s.Filters)), y = arena.Zeros(batch * s.OutputSize), dy = arena.Put(TestData.Uniform(random, batch * s.OutputSize));
        Buf patches = arena.Zeros(batch * s.Positions * s.PatchSize), rows = arena.Zeros(batch * s.Positions * s.Filters);
        Buf dw = arena.Zeros(s.WeightSize), db = arena.Zeros(s.Filters), dx = arena.Zeros(batch * s.InputSize);
        foreach (Method method in Methods)
        {
            Conv2DCpu.ForcedMethod = method;
            try
            {
                void Step()
                {
                    arena.Backend.Conv2DForward(x, w, bias, patches, rows, y, batch, s, ActivationKind.ReLU);
                    arena.Backend.Conv2DBackward(x, w, dy, patches, rows, dw, db, dx, batch, s);
                }

                Assert.Equal(0, TestData.SteadyStateBytes(Step));
            }
            finally
            {
                Conv2DCpu.ForcedMethod = null;
            }
        }
    }

    [Fact]
    public void Validation_RejectsShortViewsAndSoftmax()
    {
        Conv2DShape s = Valid(1, 5, 5, 2, 3, 3, 1, 1);
        using var arena = new TestArena();
        Buf x = arena.Zeros(s.InputSize), w = arena.Zeros(s.WeightSize), b = arena.Zeros(2), p = arena.Zeros(s.Positions * s.PatchSize);
        Buf r = arena.Zeros(s.Positions * 2), y = arena.Zeros(s.OutputSize);
        Assert.Throws<ArgumentException>(() => arena.Backend.Conv2DForward(x, w, b, p.Take(p.Length - 1), r, y, 1, s, ActivationKind.Linear));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.Conv2DForward(x, w, b, p, r, y, 1, s, ActivationKind.Softmax));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.Conv2DForward(x, w, b, p, r, y, 1, s with { StrideWidth = 0 }, ActivationKind.Linear));
    }

    private static void RunForward(Conv2DShape s, int batch, Method method, ActivationKind activation, int width) =>
        CheckForward(s, batch, activation, run => Force(method, width, run), $"{method}, {activation}, width {width}");

    private static void RunBackward(Conv2DShape s, int batch, Method method, int width, bool withDx) =>
        CheckBackward(s, batch, withDx, run => Force(method, width, run), $"{method}, width {width}");

    /// <summary>
    /// The forward pass, run inside <paramref name="force"/> (which forces a method or vector width around it), against
    /// the double reference; <paramref name="what"/> names the case in failures. Shared by the GEMM and direct paths' tests.
    /// </summary>
    internal static void CheckForward(Conv2DShape s, int batch, ActivationKind activation, Action<Action> force, string what)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize), w = TestData.Uniform(random, s.WeightSize), bias = TestData.Uniform(random, s.Filters);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), wv = arena.Put(w), bv = arena.Put(bias);
        Buf patches = arena.Zeros(batch * s.Positions * s.PatchSize), rows = arena.Zeros(batch * s.Positions * s.Filters);
        Buf yv = arena.Put(TestData.Uniform(random, batch * s.OutputSize)); // garbage: the forward overwrites

        force(() => arena.Backend.Conv2DForward(xv, wv, bv, patches, rows, yv, batch, s, activation));

        double[] expected = Conv2DReference.Forward(TestData.ToDouble(x), TestData.ToDouble(w), TestData.ToDouble(bias), batch, s, activation);
        TestData.Close(expected, arena.Get(yv), Tolerance.Reduction, $"y ({what})");
    }

    /// <summary>
    /// Forward then backward inside <paramref name="force"/>, onto accumulating dWeight and dBias: every gradient against
    /// central finite differences of the double reference's pre-activation output.
    /// </summary>
    internal static void CheckBackward(Conv2DShape s, int batch, bool withDx, Action<Action> force, string what)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * s.InputSize), w = TestData.Uniform(random, s.WeightSize), bias = TestData.Uniform(random, s.Filters);
        float[] dy = TestData.Uniform(random, batch * s.OutputSize);
        float[] dwStart = TestData.Uniform(random, s.WeightSize), dbStart = TestData.Uniform(random, s.Filters);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), wv = arena.Put(w), bv = arena.Put(bias), dyv = arena.Put(dy);
        Buf patches = arena.Zeros(batch * s.Positions * s.PatchSize), rows = arena.Zeros(batch * s.Positions * s.Filters);
        Buf yv = arena.Zeros(batch * s.OutputSize), dwv = arena.Put(dwStart), dbv = arena.Put(dbStart);
        Buf dxv = withDx ? arena.Put(TestData.Uniform(random, batch * s.InputSize)) : default; // garbage: the backward overwrites

        force(() =>
        {
            arena.Backend.Conv2DForward(xv, wv, bv, patches, rows, yv, batch, s, ActivationKind.ReLU);
            arena.Backend.Conv2DBackward(xv, wv, dyv, patches, rows, dwv, dbv, dxv, batch, s);
        });

        // Objective sum(dy * conv(x; weight, bias)), the pre-activation output, differentiated in each argument.
        double[] xd = TestData.ToDouble(x), wd = TestData.ToDouble(w), bd = TestData.ToDouble(bias);
        double Objective(double[] xs, double[] ws, double[] bs) =>
            Conv2DReference.Forward(xs, ws, bs, batch, s, ActivationKind.Linear).Select((v, i) => v * dy[i]).Sum();
        if (withDx)
        {
            TestData.Close(TestData.NumericGradient(xs => Objective(xs, wd, bd), xd), arena.Get(dxv), Tolerance.Gradient, $"dx ({what})");
        }

        TestData.Close(TestData.NumericGradient(ws => Objective(xd, ws, bd), wd).Select((g, i) => g + dwStart[i]).ToArray(),
            arena.Get(dwv), Tolerance.Gradient, $"dWeight ({what})");
        TestData.Close(TestData.NumericGradient(bs => Objective(xd, wd, bs), bd).Select((g, i) => g + dbStart[i]).ToArray(),
            arena.Get(dbv), Tolerance.Gradient, $"dBias ({what})");
    }

    /// <summary>Runs <paramref name="action"/> with the method and vector width forced on this thread.</summary>
    private static void Force(Method method, int width, Action action)
    {
        Conv2DCpu.ForcedMethod = method;
        SimdWidth.Forced = width;
        try
        {
            action();
        }
        finally
        {
            Conv2DCpu.ForcedMethod = null;
            SimdWidth.Forced = 0;
        }
    }
}
