using ModelGen.Kernels.Cpu;
using ModelGen.Kernels.Cpu.Simd;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.BatchNorm2D;

public sealed class BatchNorm2DTests
{
    private const float Momentum = 0.99f;
    private const float Epsilon = 1e-3f;

    /// <summary>(batch, channels, spatial): one position (1x1 maps), one channel, odd sizes, runs around the vector widths.</summary>
    public static TheoryData<int, int, int> Shapes() => new()
    {
        { 1, 1, 1 }, { 3, 1, 35 }, { 1, 4, 9 }, { 3, 5, 1 }, { 2, 3, 31 }, { 3, 2, 17 }, { 4, 3, 49 },
    };

    public static TheoryData<int> Widths() => new() { 512, 256, 128, 1 };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Training_MatchesReference_AndUpdatesRunningStatistics(int batch, int channels, int spatial) =>
        RunTraining(batch, channels, spatial, width: 0);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Inference_UsesRunningStatistics(int batch, int channels, int spatial) => RunInference(batch, channels, spatial, width: 0);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MatchesFiniteDifferences(int batch, int channels, int spatial) => RunBackward(batch, channels, spatial, width: 0);

    [Theory]
    [MemberData(nameof(Widths))]
    public void EachVectorWidth_MatchesReference(int width)
    {
        SimdWidth.Forced = width;
        try
        {
            RunTraining(3, 2, 31, width);
            RunInference(3, 2, 31, width);
            RunBackward(3, 2, 31, width);
        }
        finally
        {
            SimdWidth.Forced = 0;
        }
    }

    [Fact]
    public void WarmCalls_AllocateNothing()
    {
        const int batch = 4, channels = 8, spatial = 49;
        using var arena = new TestArena();
        Buf x = arena.Put(TestData.Uniform(new Random(42), batch * channels * spatial)), y = arena.Zeros(batch * channels * spatial);
        Buf g = arena.Put(Enumerable.Repeat(1f, channels).ToArray()), b = arena.Zeros(channels), rm = arena.Zeros(channels), rv = arena.Zeros(channels);
        Buf sm = arena.Zeros(channels), ss = arena.Zeros(channels), dg = arena.Zeros(channels), db = arena.Zeros(channels);
        void Step()
        {
            arena.Backend.BatchNorm2DTraining(x, y, g, b, rm, rv, sm, ss, batch, channels, spatial, Momentum, Epsilon);
            arena.Backend.BatchNorm2DInference(x, y, g, b, rm, rv, batch, channels, spatial, Epsilon);
            arena.Backend.BatchNorm2DBackward(x, y, y, g, dg, db, sm, ss, batch, channels, spatial);
        }

        Assert.Equal(0, TestData.SteadyStateBytes(Step));
    }

    private static void RunTraining(int batch, int channels, int spatial, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * channels * spatial, -2f, 3f);
        float[] gamma = TestData.Uniform(random, channels, 0.5f, 1.5f), beta = TestData.Uniform(random, channels);
        float[] runMean = TestData.Uniform(random, channels), runVar = TestData.Uniform(random, channels, 0.5f, 2f);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length), gv = arena.Put(gamma), bv = arena.Put(beta);
        Buf rm = arena.Put(runMean), rv = arena.Put(runVar), sm = arena.Zeros(channels), ss = arena.Zeros(channels);

        arena.Backend.BatchNorm2DTraining(xv, yv, gv, bv, rm, rv, sm, ss, batch, channels, spatial, Momentum, Epsilon);

        (double[] y, double[] mean, double[] variance) = BatchNorm2DReference.Training(
            TestData.ToDouble(x), TestData.ToDouble(gamma), TestData.ToDouble(beta), batch, channels, spatial, Epsilon);
        string what = $"(width {width})";
        TestData.Close(y, arena.Get(yv), Tolerance.Reduction, $"y {what}");
        TestData.Close(mean, arena.Get(sm), Tolerance.Elementwise, $"savedMean {what}");
        TestData.Close(variance.Select(v => 1 / Math.Sqrt(v + Epsilon)).ToArray(), arena.Get(ss), Tolerance.Elementwise, $"savedInvStd {what}");
        TestData.Close(mean.Select((m, c) => (Momentum * runMean[c]) + ((1 - Momentum) * m)).ToArray(), arena.Get(rm), Tolerance.Elementwise, $"runningMean {what}");
        TestData.Close(variance.Select((v, c) => (Momentum * runVar[c]) + ((1 - Momentum) * v)).ToArray(), arena.Get(rv), Tolerance.Elementwise, $"runningVar {what}");
    }

    private static void RunInference(int batch, int channels, int spatial, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * channels * spatial, -2f, 3f);
        float[] gamma = TestData.Uniform(random, channels, 0.5f, 1.5f), beta = TestData.Uniform(random, channels);
        float[] runMean = TestData.Uniform(random, channels), runVar = TestData.Uniform(random, channels, 0.5f, 2f);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length);

        arena.Backend.BatchNorm2DInference(xv, yv, arena.Put(gamma), arena.Put(beta), arena.Put(runMean), arena.Put(runVar), batch, channels, spatial, Epsilon);

        double[] expected = x.Select((v, i) =>
        {
            int c = i / spatial % channels;
            return (gamma[c] * (v - (double)runMean[c]) / Math.Sqrt(runVar[c] + (double)Epsilon)) + beta[c];
        }).ToArray();
        TestData.Close(expected, arena.Get(yv), Tolerance.Elementwise, $"y (width {width})");
    }

    private static void RunBackward(int batch, int channels, int spatial, int width)
    {
        var random = new Random(42);
        int n = batch * channels * spatial;
        float[] x = TestData.Uniform(random, n, -2f, 3f), dy = TestData.Uniform(random, n);
        float[] gamma = TestData.Uniform(random, channels, 0.5f, 1.5f), beta = TestData.Uniform(random, channels);
        float[] dGammaStart = TestData.Uniform(random, channels), dBetaStart = TestData.Uniform(random, channels);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(n), gv = arena.Put(gamma), bv = arena.Put(beta);
        Buf sm = arena.Zeros(channels), ss = arena.Zeros(channels);
        Buf dyv = arena.Put(dy), dxv = arena.Put(TestData.Uniform(random, n)), dg = arena.Put(dGammaStart), db = arena.Put(dBetaStart);
        arena.Backend.BatchNorm2DTraining(xv, yv, gv, bv, arena.Zeros(channels), arena.Zeros(channels), sm, ss, batch, channels, spatial, Momentum, Epsilon);

        arena.Backend.BatchNorm2DBackward(xv, dyv, dxv, gv, dg, db, sm, ss, batch, channels, spatial);

        // Objective sum(dy * BN(x; gamma, beta)) with batch statistics, differentiated in each argument.
        double[] xd = TestData.ToDouble(x), gd = TestData.ToDouble(gamma), bd = TestData.ToDouble(beta);
        double Objective(double[] xs, double[] gs, double[] bs) =>
            BatchNorm2DReference.Training(xs, gs, bs, batch, channels, spatial, Epsilon).Y.Select((y, i) => y * dy[i]).Sum();
        string what = $"(width {width})";
        if (batch * spatial > 1)
        {
            TestData.Close(TestData.NumericGradient(xs => Objective(xs, gd, bd), xd), arena.Get(dxv), Tolerance.Gradient, $"dx {what}");
        }

        TestData.Close(TestData.NumericGradient(gs => Objective(xd, gs, bd), gd).Select((g, c) => g + dGammaStart[c]).ToArray(),
            arena.Get(dg), Tolerance.Gradient, $"dGamma {what}");
        TestData.Close(TestData.NumericGradient(bs => Objective(xd, gd, bs), bd).Select((g, c) => g + dBetaStart[c]).ToArray(),
            arena.Get(db), Tolerance.Gradient, $"dBeta {what}");
    }
}
