using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Attention;

/// <summary>
/// BatchedGemm: every product against the reference for all transposes at every width, strides of 0 sharing one
/// operand, beta = 0 ignoring NaN in C, bits independent of the thread count and equal to Gemm's for each product.
/// </summary>
public sealed class BatchedGemmTests
{
    public static IEnumerable<object[]> Cases()
    {
        (int Count, int M, int N, int K)[] shapes = [(3, 64, 64, 32), (2, 64, 32, 64), (3, 7, 13, 5), (2, 17, 33, 9), (4, 3, 9, 6), (2, 9, 2, 7), (2, 5, 5, 300), (1, 1, 1, 1)];
        foreach ((int count, int m, int n, int k) in shapes)
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true })
                {
                    foreach (int width in Widths.All)
                    {
                        yield return [count, m, n, k, transA, transB, width];
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryProduct_MatchesReference(int count, int m, int n, int k, bool transA, bool transB, int width)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, count * m * k), b = TestData.Uniform(random, count * k * n), c = TestData.Uniform(random, count * m * n);
        using var arena = new TestArena();
        Buf va = arena.Put(a), vb = arena.Put(b), vc = arena.Put(c), nan = arena.Put(Enumerable.Repeat(float.NaN, c.Length).ToArray());

        Widths.Run(width, () =>
        {
            arena.Backend.BatchedGemm(transA, transB, count, m, n, k, 0.75f, va, m * k, vb, k * n, 0.5f, vc, m * n);
            arena.Backend.BatchedGemm(transA, transB, count, m, n, k, 1.25f, va, m * k, vb, k * n, 0f, nan, m * n);
        });

        float[] result = arena.Get(vc), overwritten = arena.Get(nan);
        for (int i = 0; i < count; i++)
        {
            float[] ai = a[(i * m * k)..((i + 1) * m * k)], bi = b[(i * k * n)..((i + 1) * k * n)], ci = c[(i * m * n)..((i + 1) * m * n)];
            TestData.Close(GemmReference.Run(transA, transB, m, n, k, 0.75, ai, bi, 0.5, ci), result.AsSpan(i * m * n, m * n), Tolerance.Reduction, $"C{i}");
            TestData.Close(GemmReference.Run(transA, transB, m, n, k, 1.25, ai, bi, 0, ci), overwritten.AsSpan(i * m * n, m * n), Tolerance.Reduction, $"C{i} (beta 0)");
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void StrideZero_SharesOneOperand(bool shareA, bool shareB)
    {
        const int count = 5, m = 13, n = 19, k = 11;
        var random = new Random(42);
        float[] a = TestData.Uniform(random, count * m * k), b = TestData.Uniform(random, count * k * n);
        using var arena = new TestArena();
        Buf va = arena.Put(a), vb = arena.Put(b), vc = arena.Zeros(count * m * n);

        arena.Backend.BatchedGemm(false, true, count, m, n, k, 1f, va, shareA ? 0 : m * k, vb, shareB ? 0 : k * n, 0f, vc, m * n);

        float[] result = arena.Get(vc);
        for (int i = 0; i < count; i++)
        {
            int ia = shareA ? 0 : i, ib = shareB ? 0 : i;
            double[] expected = GemmReference.Run(false, true, m, n, k, 1, a[(ia * m * k)..((ia + 1) * m * k)], b[(ib * k * n)..((ib + 1) * k * n)], 0, new float[m * n]);
            TestData.Close(expected, result.AsSpan(i * m * n, m * n), Tolerance.Reduction, $"C{i}");
        }
    }

    [Fact]
    public void PaddedStrides_LeaveTheGapsAlone()
    {
        const int count = 3, m = 6, n = 7, k = 5, gap = 4;
        var random = new Random(42);
        float[] a = TestData.Uniform(random, count * ((m * k) + gap)), b = TestData.Uniform(random, count * ((k * n) + gap));
        float[] c = Enumerable.Repeat(-7f, count * ((m * n) + gap)).ToArray();
        using var arena = new TestArena();
        Buf va = arena.Put(a), vb = arena.Put(b), vc = arena.Put(c);

        arena.Backend.BatchedGemm(true, false, count, m, n, k, 1f, va, (m * k) + gap, vb, (k * n) + gap, 1f, vc, (m * n) + gap);

        float[] result = arena.Get(vc);
        for (int i = 0; i < count; i++)
        {
            int ca = i * ((m * k) + gap), cb = i * ((k * n) + gap), cc = i * ((m * n) + gap);
            double[] expected = GemmReference.Run(true, false, m, n, k, 1, a[ca..(ca + (m * k))], b[cb..(cb + (k * n))], 1, c[cc..(cc + (m * n))]);
            TestData.Close(expected, result.AsSpan(cc, m * n), Tolerance.Reduction, $"C{i}");
            Assert.All(result[(cc + (m * n))..(cc + (m * n) + gap)], v => Assert.Equal(-7f, v));
        }
    }

    public static IEnumerable<object[]> ThreadCases() => Widths.Times(new[]
    {
        new object[] { 128, 64, 64, 32, false, true }, new object[] { 128, 64, 32, 64, false, false }, new object[] { 9, 37, 23, 300, true, true },
        new object[] { 1, 300, 200, 100, true, false }, new object[] { 7, 3, 40, 20, false, false },
    });

    [Theory]
    [MemberData(nameof(ThreadCases))]
    public void Results_AreBitwiseIndependentOfThreads_AndEqualToGemm(int count, int m, int n, int k, bool transA, bool transB, int width)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, count * m * k), b = TestData.Uniform(random, count * k * n), c = TestData.Uniform(random, count * m * n);

        float[] Batched(int threads)
        {
            using var arena = new TestArena(1 << 22, threads);
            Buf va = arena.Put(a), vb = arena.Put(b), vc = arena.Put(c);
            Widths.Run(width, () => arena.Backend.BatchedGemm(transA, transB, count, m, n, k, 0.5f, va, m * k, vb, k * n, 1.5f, vc, m * n));
            return arena.Get(vc);
        }

        float[] one = Batched(1);
        Assert.Equal(one, Batched(2));
        Assert.Equal(one, Batched(3));

        using var single = new TestArena(1 << 22, 2);
        Buf sa = single.Put(a), sb = single.Put(b), sc = single.Put(c);
        Widths.Run(width, () =>
        {
            for (int i = 0; i < count; i++)
            {
                single.Backend.Gemm(transA, transB, m, n, k, 0.5f, sa.Slice(i * m * k, m * k), sb.Slice(i * k * n, k * n), 1.5f, sc.Slice(i * m * n, m * n));
            }
        });
        Assert.Equal(one, single.Get(sc));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(2f)]
    public void DepthZero_ScalesOrClearsC(float beta)
    {
        using var arena = new TestArena();
        Buf c = arena.Put([1f, float.NaN, 3f, 4f]);
        Buf empty = arena.Zeros(0);
        float[] expected = beta == 0f ? [0f, 0f, 0f, 0f] : [2f, float.NaN, 6f, 8f];
        arena.Backend.BatchedGemm(false, false, 2, 1, 2, 0, 1f, empty, 0, empty, 0, beta, c, 2);

        Assert.Equal(expected, arena.Get(c));
    }
}
