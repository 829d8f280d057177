namespace ModelGen.Kernels.Tests.Backend;

/// <summary>
/// The element-wise and normalisation kernels split over the worker pool (by element ranges, rows or features) give
/// the same bits on two threads as on one, at every width; dropout's mask stays the counter formula in every split;
/// a call allocates nothing.
/// </summary>
public sealed class ThreadSplitTests
{
    /// <summary>A batch and a feature count that leave a ragged last grain (83 = 5 x 16 + 3) and a vector tail.</summary>
    private const int Batch = 37, Features = 83;
    private const float Rate = 0.3f, Momentum = 0.99f, Epsilon = 1e-3f;
    private const ulong Seed = 99, Stream = 5;

    public static TheoryData<int> AllWidths() => Widths.Data();

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void SplitKernels_TwoThreads_SameBitsAsOne(int width)
    {
        float[][] one = Step(1, width), two = Step(2, width);
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++)
        {
            AssertBitwise(one[i], two[i], $"output {i}");
        }
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void DropoutMask_TwoThreads_IsTheCounterFormula(int width)
    {
        const int length = 4099;
        using var arena = new TestArena(threads: 2);
        Buf x = arena.Put(TestData.Uniform(new Random(42), length)), y = arena.Zeros(length), mask = arena.Zeros(length);

        Widths.RunSplit(width, () => arena.Backend.DropoutForward(x, y, mask, Rate, Seed, Stream));

        float[] m = arena.Get(mask);
        float keep = 1f / (1f - Rate);
        for (int i = 0; i < length; i++)
        {
            Assert.Equal(CounterRandom.Uniform(Seed, Stream + (ulong)i) >= Rate ? keep : 0f, m[i]);
        }
    }

    [Fact]
    public void SplitKernels_TwoThreads_AllocateNothing()
    {
        using var arena = new TestArena(threads: 2);
        Buffers b = Buffers.Make(arena, new Random(42));
        CpuBackendCalls calls = new(arena.Backend, b);
        long bytes = 0;
        Widths.RunSplit(0, () => bytes = TestData.SteadyStateBytes(calls.All));
        Assert.Equal(0, bytes);
    }

    /// <summary>Every split kernel once on a back end of <paramref name="threads"/> threads, each call's outputs downloaded.</summary>
    private static float[][] Step(int threads, int width)
    {
        using var arena = new TestArena(threads: threads);
        Buffers b = Buffers.Make(arena, new Random(42));
        CpuBackendCalls calls = new(arena.Backend, b);
        Widths.RunSplit(width, calls.All);
        return [.. new[] { b.Hidden, b.Mask, b.Dropped, b.Normalized, b.Inferred, b.SavedMean, b.SavedInvStd, b.RunningMean, b.RunningVar,
            b.Dx, b.DGamma, b.DBeta, b.DBias, b.ActivationDx, b.DropoutDx, b.Parameters, b.M, b.V, b.Velocity, b.Square, b.Accumulator, b.Sigmoid }
            .Select(arena.Get)];
    }

    private static void AssertBitwise(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
            {
                Assert.Fail($"{what}[{i}]: one thread gave {expected[i]:R}, two gave {actual[i]:R}.");
            }
        }
    }

    /// <summary>The views one training-like sequence of split kernels reads and writes.</summary>
    private sealed record Buffers(Buf Hidden, Buf Bias, Buf Mask, Buf Dropped, Buf Gamma, Buf Beta, Buf RunningMean, Buf RunningVar,
        Buf SavedMean, Buf SavedInvStd, Buf Normalized, Buf Inferred, Buf Dy, Buf Dx, Buf DGamma, Buf DBeta, Buf DBias, Buf ActivationDx,
        Buf DropoutDx, Buf Parameters, Buf Gradients, Buf M, Buf V, Buf Velocity, Buf Square, Buf Accumulator, Buf Sigmoid)
    {
        public static Buffers Make(TestArena a, Random r)
        {
            const int n = Batch * Features;
            return new Buffers(a.Put(TestData.Uniform(r, n, -2f, 3f)), a.Put(TestData.Uniform(r, Features)), a.Zeros(n), a.Zeros(n),
                a.Put(TestData.Uniform(r, Features, 0.5f, 1.5f)), a.Put(TestData.Uniform(r, Features)), a.Put(TestData.Uniform(r, Features)),
                a.Put(TestData.Uniform(r, Features, 0.5f, 2f)), a.Zeros(Features), a.Zeros(Features), a.Zeros(n), a.Zeros(n),
                a.Put(TestData.Uniform(r, n)), a.Zeros(n), a.Put(TestData.Uniform(r, Features)), a.Put(TestData.Uniform(r, Features)),
                a.Put(TestData.Uniform(r, Features)), a.Zeros(n), a.Zeros(n), a.Put(TestData.Uniform(r, n)), a.Put(TestData.Uniform(r, n)),
                a.Put(TestData.Uniform(r, n)), a.Put(TestData.Uniform(r, n, 0f, 1f)), a.Put(TestData.Uniform(r, n)),
                a.Put(TestData.Uniform(r, n, 0f, 1f)), a.Put(TestData.Uniform(r, n, 0f, 1f)), a.Put(TestData.Uniform(r, n)));
        }
    }

    /// <summary>The calls, as one delegate made once (so the allocation probe measures the kernels, not closures).</summary>
    private sealed class CpuBackendCalls(Cpu.CpuBackend k, Buffers b)
    {
        public void All()
        {
            k.BiasActivation(b.Hidden, b.Bias, Batch, Features, ActivationKind.ReLU);
            k.BiasActivation(b.Sigmoid, b.Bias, Batch, Features, ActivationKind.Sigmoid);
            k.DropoutForward(b.Hidden, b.Dropped, b.Mask, Rate, Seed, Stream);
            k.BatchNormTraining(b.Dropped, b.Normalized, b.Gamma, b.Beta, b.RunningMean, b.RunningVar, b.SavedMean, b.SavedInvStd,
                Batch, Features, Momentum, Epsilon);
            k.BatchNormInference(b.Dropped, b.Inferred, b.Gamma, b.Beta, b.RunningMean, b.RunningVar, Batch, Features, Epsilon);
            k.BatchNormBackward(b.Dropped, b.Dy, b.Dx, b.Gamma, b.DGamma, b.DBeta, b.SavedMean, b.SavedInvStd, Batch, Features);
            k.DropoutBackward(b.Dx, b.Mask, b.DropoutDx);
            k.ActivationBackward(b.Hidden, b.DropoutDx, b.ActivationDx, Batch, Features, ActivationKind.ReLU);
            k.BiasBackward(b.ActivationDx, b.DBias, Batch, Features);
            k.AdamStep(b.Parameters, b.Gradients, b.M, b.V, 0.01f, 0.9f, 0.999f, 1e-7f, 3);
            k.SgdStep(b.Parameters, b.Gradients, b.Velocity, 0.01f, 0.9f, true);
            k.RmsPropStep(b.Parameters, b.Gradients, b.Square, 0.01f, 0.9f, 1e-7f);
            k.AdagradStep(b.Parameters, b.Gradients, b.Accumulator, 0.01f, 1e-7f);
        }
    }
}
