using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.BatchNorm;

public sealed class BatchNormTests
{
    private const float Momentum = 0.99f;
    private const float Epsilon = 1e-3f;

    public static TheoryData<int, int> Shapes() => new()
    {
        { 1, 1 }, { 2, 7 }, { 5, 15 }, { 7, 17 }, { 16, 31 }, { 3, 33 }, { 37, 8 }, { 64, 101 },
    };

    public static IEnumerable<object[]> ShapesAtWidths() => Widths.Times(Shapes());

    [Theory]
    [MemberData(nameof(ShapesAtWidths))]
    public void Training_MatchesReference_AndUpdatesRunningStatistics(int batch, int features, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * features, -2f, 3f);
        float[] gamma = TestData.Uniform(random, features, 0.5f, 1.5f), beta = TestData.Uniform(random, features);
        float[] runMean = TestData.Uniform(random, features), runVar = TestData.Uniform(random, features, 0.5f, 2f);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length), gv = arena.Put(gamma), bv = arena.Put(beta);
        Buf rm = arena.Put(runMean), rv = arena.Put(runVar), sm = arena.Zeros(features), ss = arena.Zeros(features);

        Widths.Run(width, () => arena.Backend.BatchNormTraining(xv, yv, gv, bv, rm, rv, sm, ss, batch, features, Momentum, Epsilon));

        (double[] y, double[] mean, double[] variance) = BatchNormReference.Training(
            TestData.ToDouble(x), TestData.ToDouble(gamma), TestData.ToDouble(beta), batch, features, Epsilon);
        TestData.Close(y, arena.Get(yv), Tolerance.Reduction, "y");
        TestData.Close(mean, arena.Get(sm), Tolerance.Elementwise, "savedMean");
        TestData.Close(variance.Select(v => 1 / Math.Sqrt(v + Epsilon)).ToArray(), arena.Get(ss), Tolerance.Elementwise, "savedInvStd");
        TestData.Close(mean.Select((m, f) => (Momentum * runMean[f]) + ((1 - Momentum) * m)).ToArray(), arena.Get(rm), Tolerance.Elementwise, "runningMean");
        TestData.Close(variance.Select((v, f) => (Momentum * runVar[f]) + ((1 - Momentum) * v)).ToArray(), arena.Get(rv), Tolerance.Elementwise, "runningVar");
    }

    [Theory]
    [MemberData(nameof(ShapesAtWidths))]
    public void Inference_UsesRunningStatistics(int batch, int features, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * features, -2f, 3f);
        float[] gamma = TestData.Uniform(random, features, 0.5f, 1.5f), beta = TestData.Uniform(random, features);
        float[] runMean = TestData.Uniform(random, features), runVar = TestData.Uniform(random, features, 0.5f, 2f);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length);

        Buf gv = arena.Put(gamma), bv = arena.Put(beta), rm = arena.Put(runMean), rv = arena.Put(runVar);
        Widths.Run(width, () => arena.Backend.BatchNormInference(xv, yv, gv, bv, rm, rv, batch, features, Epsilon));

        double[] expected = x.Select((v, i) =>
            (gamma[i % features] * (v - (double)runMean[i % features]) / Math.Sqrt(runVar[i % features] + (double)Epsilon)) + beta[i % features]).ToArray();
        TestData.Close(expected, arena.Get(yv), Tolerance.Elementwise, "y");
    }

    public static IEnumerable<object[]> BackwardShapes() => Widths.Times([[2, 7], [5, 17], [9, 33], [16, 9]]);

    [Theory]
    [MemberData(nameof(BackwardShapes))]
    public void Backward_MatchesFiniteDifferences(int batch, int features, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * features, -2f, 3f), dy = TestData.Uniform(random, batch * features);
        float[] gamma = TestData.Uniform(random, features, 0.5f, 1.5f), beta = TestData.Uniform(random, features);
        float[] dGammaStart = TestData.Uniform(random, features), dBetaStart = TestData.Uniform(random, features);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length), gv = arena.Put(gamma), bv = arena.Put(beta);
        Buf sm = arena.Zeros(features), ss = arena.Zeros(features);
        Buf dyv = arena.Put(dy), dxv = arena.Zeros(x.Length), dg = arena.Put(dGammaStart), db = arena.Put(dBetaStart);
        Buf rm = arena.Zeros(features), rv = arena.Zeros(features);
        Widths.Run(width, () => arena.Backend.BatchNormTraining(xv, yv, gv, bv, rm, rv, sm, ss, batch, features, Momentum, Epsilon));

        Widths.Run(width, () => arena.Backend.BatchNormBackward(xv, dyv, dxv, gv, dg, db, sm, ss, batch, features));

        // Objective sum(dy * BN(x; gamma, beta)) with batch statistics, differentiated in each argument.
        double[] xd = TestData.ToDouble(x), gd = TestData.ToDouble(gamma), bd = TestData.ToDouble(beta);
        double Objective(double[] xs, double[] gs, double[] bs) =>
            BatchNormReference.Training(xs, gs, bs, batch, features, Epsilon).Y.Select((y, i) => y * dy[i]).Sum();
        TestData.Close(TestData.NumericGradient(xs => Objective(xs, gd, bd), xd), arena.Get(dxv), Tolerance.Gradient, "dx");
        TestData.Close(TestData.NumericGradient(gs => Objective(xd, gs, bd), gd).Select((g, f) => g + dGammaStart[f]).ToArray(),
            arena.Get(dg), Tolerance.Gradient, "dGamma");
        TestData.Close(TestData.NumericGradient(bs => Objective(xd, gd, bs), bd).Select((g, f) => g + dBetaStart[f]).ToArray(),
            arena.Get(db), Tolerance.Gradient, "dBeta");
    }
}
