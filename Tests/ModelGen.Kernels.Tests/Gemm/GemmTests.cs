using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Gemm;

public sealed class GemmTests
{
    public static TheoryData<bool, bool, int, int, int> Shapes()
    {
        var data = new TheoryData<bool, bool, int, int, int>();
        int[][] shapes =
        [
            [1, 1, 1], [7, 15, 17], [33, 31, 37], [17, 33, 15], [101, 37, 7], [13, 101, 300],
            [512, 1, 64], [1, 64, 512], [3, 50, 20], [50, 2, 9], [300, 257, 301],
        ];
        foreach (int[] s in shapes)
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true })
                {
                    data.Add(transA, transB, s[0], s[1], s[2]);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_MatchesReference_WithAlphaAndBeta(bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        using var arena = new TestArena();
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);

        arena.Backend.Gemm(transA, transB, m, n, k, 0.5f, av, bv, 1.5f, cv);

        TestData.Close(GemmReference.Run(transA, transB, m, n, k, 0.5, a, b, 1.5, c), arena.Get(cv), Tolerance.Reduction, "C");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_BetaZero_IgnoresNaNInC(bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n);
        float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        using var arena = new TestArena();
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);

        arena.Backend.Gemm(transA, transB, m, n, k, 1f, av, bv, 0f, cv);

        TestData.Close(GemmReference.Run(transA, transB, m, n, k, 1, a, b, 0, c), arena.Get(cv), Tolerance.Reduction, "C");
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(32, 256)]
    [InlineData(48, 64)]
    [InlineData(21, 32)]
    [InlineData(16, 63)]
    [InlineData(40, 17)]
    [InlineData(256, 256)]
    public void Gemm_MatrixVector_AnyRowOffset_MatchesReference(int n, int k)
    {
        // Batch-1 inference, y (1, N) = x (1, K) W^T with W stored (N, K): the weights start at every offset within
        // a 64-byte line, with NaN in the floats around them, which the aligned loads touch but must mask off.
        var random = new Random(42);
        float[] x = TestData.Uniform(random, k), w = TestData.Uniform(random, n * k), y = TestData.Uniform(random, n);
        double[] expected = GemmReference.Run(false, true, 1, n, k, 0.5, x, w, 1.5, y);
        for (int offset = 0; offset < 16; offset++)
        {
            using var arena = new TestArena();
            arena.Zeros(offset);
            arena.Put(Enumerable.Repeat(float.NaN, 16).ToArray());
            Buf wv = arena.Put(w);
            arena.Put(Enumerable.Repeat(float.NaN, 16).ToArray());
            Buf xv = arena.Put(x), yv = arena.Put(y);

            arena.Backend.Gemm(false, true, 1, n, k, 0.5f, xv, wv, 1.5f, yv);

            TestData.Close(expected, arena.Get(yv), Tolerance.Reduction, $"y at offset {offset}");
        }
    }

    [Fact]
    public void Gemm_WiderThanOnePanel_MatchesReference()
    {
        // 2100 columns cross the NC panel boundary (2048 with the AVX-512 kernel).
        const int m = 13, n = 2100, k = 5;
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        using var arena = new TestArena();
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);

        arena.Backend.Gemm(false, false, m, n, k, 1f, av, bv, 1f, cv);

        TestData.Close(GemmReference.Run(false, false, m, n, k, 1, a, b, 1, c), arena.Get(cv), Tolerance.Reduction, "C");
    }

    [Fact]
    public void Gemm_ZeroDepth_ScalesC()
    {
        float[] c = [1f, -2f, 3f, 4f, 5f, 6f];
        using var arena = new TestArena();
        Buf cv = arena.Put(c);

        arena.Backend.Gemm(false, false, 2, 3, 0, 1f, new Buf(0, 0), new Buf(0, 0), 2f, cv);

        Assert.Equal([2f, -4f, 6f, 8f, 10f, 12f], arena.Get(cv));
    }

    [Theory]
    [InlineData(false, false, 257, 300, 129)]
    [InlineData(true, false, 257, 300, 129)]
    [InlineData(false, true, 40, 513, 70)]
    [InlineData(true, true, 40, 513, 70)]
    [InlineData(false, false, 600, 64, 300)]
    public void Gemm_TwoThreads_BitwiseEqualToOne(bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        float[] one = Product(1), two = Product(2);

        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(one[i]), BitConverter.SingleToInt32Bits(two[i]));
        }

        float[] Product(int threads)
        {
            using var arena = new TestArena(threads: threads);
            Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);
            arena.Backend.Gemm(transA, transB, m, n, k, 0.75f, av, bv, 1f, cv);
            return arena.Get(cv);
        }
    }
}
