using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.BatchNorm;

/// <summary>
/// The fused batch-norm kernels against the unfused calls they replace (IBackend's default bodies): the same bits at
/// every width, on one thread and split over two (however small the work), and nothing allocated per call.
/// </summary>
public sealed class BatchNormFusedTests
{
    private const float Momentum = 0.99f;
    private const float Epsilon = 1e-3f;

    public static IEnumerable<object[]> Cases() => Widths.Times(
        from shape in new[] { (1, 3), (5, 15), (7, 17), (16, 31), (33, 64), (64, 101), (512, 256) }
        from threads in new[] { 1, 2 }
        select new object[] { shape.Item1, shape.Item2, threads });

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchNormDropoutTraining_EqualsTheTwoCalls(int batch, int features, int threads, int width)
    {
        var random = new Random((batch * 1000) + features);
        int n = batch * features;
        float[] x = TestData.Uniform(random, n, -2f, 3f);
        float[] gamma = TestData.Uniform(random, features, 0.5f, 1.5f), beta = TestData.Uniform(random, features);
        float[] runMean = TestData.Uniform(random, features), runVar = TestData.Uniform(random, features, 0.5f, 2f);
        float[][] results = new float[2][];
        for (int fused = 0; fused < 2; fused++)
        {
            using var arena = new TestArena(1 << 20, threads);
            Buf xv = arena.Put(x), yv = arena.Zeros(n), mask = arena.Zeros(n), gv = arena.Put(gamma), bv = arena.Put(beta);
            Buf rm = arena.Put(runMean), rv = arena.Put(runVar), sm = arena.Zeros(features), ss = arena.Zeros(features);
            IBackend backend = arena.Backend;
            Widths.RunSplit(width, () =>
            {
                if (fused == 1)
                {
                    backend.BatchNormDropoutTraining(xv, yv, mask, gv, bv, rm, rv, sm, ss, batch, features, Momentum, Epsilon, 0.3f, 17, 4_000_000_007UL);
                }
                else
                {
                    backend.BatchNormTraining(xv, yv, gv, bv, rm, rv, sm, ss, batch, features, Momentum, Epsilon);
                    backend.DropoutForward(yv, yv, mask, 0.3f, 17, 4_000_000_007UL);
                }
            });
            results[fused] = [.. arena.Get(yv), .. arena.Get(mask), .. arena.Get(rm), .. arena.Get(rv), .. arena.Get(sm), .. arena.Get(ss)];
        }

        Assert.Equal(results[0], results[1]);
        Assert.Contains(results[1].AsSpan(n, n).ToArray(), m => m == 0f); // the mask drops something
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchNormBackwardFused_EqualsTheUnfusedCalls(int batch, int features, int threads, int width)
    {
        foreach ((bool dropout, bool relu) in new[] { (true, true), (true, false), (false, true) })
        {
            var random = new Random((batch * 1000) + features + (dropout ? 1 : 0) + (relu ? 2 : 0));
            int n = batch * features;
            float[] x = TestData.Uniform(random, n, relu ? -1f : -2f, 3f).Select(v => relu ? Math.Max(v, 0f) : v).ToArray();
            float[] dy = TestData.Uniform(random, n), gamma = TestData.Uniform(random, features, 0.5f, 1.5f);
            float[] dGamma = TestData.Uniform(random, features), dBeta = TestData.Uniform(random, features);
            float[] mean = TestData.Uniform(random, features), invStd = TestData.Uniform(random, features, 0.5f, 2f);
            float[] mask = TestData.Uniform(random, n).Select(u => u > -0.4f ? 1f / 0.7f : 0f).ToArray();
            float[][] results = new float[2][];
            for (int fused = 0; fused < 2; fused++)
            {
                using var arena = new TestArena(1 << 20, threads);
                Buf xv = arena.Put(x), dyv = arena.Put(dy), dxv = arena.Zeros(n), mv = dropout ? arena.Put(mask) : default;
                Buf gv = arena.Put(gamma), dg = arena.Put(dGamma), db = arena.Put(dBeta), sm = arena.Put(mean), ss = arena.Put(invStd);
                IBackend backend = arena.Backend;
                Widths.RunSplit(width, () =>
                {
                    if (fused == 1)
                    {
                        backend.BatchNormBackwardFused(xv, dyv, mv, dxv, gv, dg, db, sm, ss, batch, features, relu);
                    }
                    else
                    {
                        if (dropout)
                        {
                            backend.DropoutBackward(dyv, mv, dyv);
                        }

                        backend.BatchNormBackward(xv, dyv, dxv, gv, dg, db, sm, ss, batch, features);
                        if (relu)
                        {
                            backend.ActivationBackward(xv, dxv, dxv, batch, features, ActivationKind.ReLU);
                        }
                    }
                });
                results[fused] = [.. arena.Get(dxv), .. arena.Get(dg), .. arena.Get(db)];
                if (fused == 1)
                {
                    Assert.Equal(dy, arena.Get(dyv)); // the fused kernel reads dy through the mask and leaves it as it was
                }
            }

            Assert.Equal(results[0], results[1]);
        }
    }

    [Fact]
    public void FusedKernels_AllocateNothingPerCall()
    {
        const int Batch = 512, Features = 256, N = Batch * Features;
        using var arena = new TestArena(1 << 21, threads: 2);
        var random = new Random(5);
        Buf x = arena.Put(TestData.Uniform(random, N, 0f, 2f)), y = arena.Zeros(N), mask = arena.Zeros(N), dy = arena.Put(TestData.Uniform(random, N)), dx = arena.Zeros(N);
        Buf gamma = arena.Put(TestData.Uniform(random, Features, 0.5f, 1.5f)), beta = arena.Zeros(Features), rm = arena.Zeros(Features), rv = arena.Zeros(Features);
        Buf sm = arena.Zeros(Features), ss = arena.Zeros(Features), dg = arena.Zeros(Features), db = arena.Zeros(Features);
        IBackend backend = arena.Backend;
        long bytes = TestData.SteadyStateBytes(() =>
        {
            backend.BatchNormDropoutTraining(x, y, mask, gamma, beta, rm, rv, sm, ss, Batch, Features, Momentum, Epsilon, 0.3f, 1, 2);
            backend.BatchNormBackwardFused(x, dy, mask, dx, gamma, dg, db, sm, ss, Batch, Features, true);
        });
        Assert.Equal(0, bytes);
    }
}
