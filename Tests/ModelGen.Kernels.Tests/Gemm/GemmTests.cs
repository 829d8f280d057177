using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Gemm;

/// <summary>
/// The GEMM against the double reference. Most tests run under each vector width (<see cref="SimdWidth.Forced"/>
/// 512, 256, 128, and 1 for scalar), so one machine runs every width's register block, packing, edges and direct paths.
/// </summary>
public sealed unsafe class GemmTests
{
    private static readonly int[] Widths = [512, 256, 128, 1];

    private static readonly int[][] ShapeList =
    [
        [1, 1, 1], [7, 15, 17], [33, 31, 37], [17, 33, 15], [101, 37, 7], [13, 101, 300],
        [512, 1, 64], [1, 64, 512], [3, 50, 20], [50, 2, 9], [300, 257, 301],

        // The hotel model's skinny products (a Dense(1) head and its gradients) and batch-1 layers.
        [512, 1, 256], [512, 256, 1], [1, 256, 512], [1, 256, 63], [1, 256, 256], [6, 5, 33],
    ];

    public static TheoryData<int, bool, bool, int, int, int> Shapes()
    {
        var data = new TheoryData<int, bool, bool, int, int, int>();
        foreach (int width in Widths)
        {
            foreach (int[] s in ShapeList)
            {
                foreach (bool transA in new[] { false, true })
                {
                    foreach (bool transB in new[] { false, true })
                    {
                        data.Add(width, transA, transB, s[0], s[1], s[2]);
                    }
                }
            }
        }

        return data;
    }

    public static TheoryData<int> WidthData() => new(Widths);

    /// <summary>Runs <paramref name="run"/> with <see cref="SimdWidth.Forced"/> set to <paramref name="width"/> on this thread.</summary>
    private static T Forced<T>(int width, Func<T> run)
    {
        SimdWidth.Forced = width;
        try
        {
            Assert.Equal(Math.Min(width, SimdWidth.Hardware), SimdWidth.Current);
            return run();
        }
        finally
        {
            SimdWidth.Forced = 0;
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_MatchesReference_WithAlphaAndBeta(int width, bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        using var arena = new TestArena();
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);

        Forced(width, () => { arena.Backend.Gemm(transA, transB, m, n, k, 0.5f, av, bv, 1.5f, cv); return 0; });

        TestData.Close(GemmReference.Run(transA, transB, m, n, k, 0.5, a, b, 1.5, c), arena.Get(cv), Tolerance.Reduction, $"C at width {width}");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gemm_BetaZero_IgnoresNaNInC(int width, bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n);
        float[] c = Enumerable.Repeat(float.NaN, m * n).ToArray();
        using var arena = new TestArena();
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);

        Forced(width, () => { arena.Backend.Gemm(transA, transB, m, n, k, 1f, av, bv, 0f, cv); return 0; });

        TestData.Close(GemmReference.Run(transA, transB, m, n, k, 1, a, b, 0, c), arena.Get(cv), Tolerance.Reduction, $"C at width {width}");
    }

    public static TheoryData<int, int, int> MatrixVectorShapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int width in Widths)
        {
            foreach ((int n, int k) in new[] { (16, 16), (32, 256), (48, 64), (21, 32), (16, 63), (40, 17), (256, 256), (35, 48) })
            {
                data.Add(width, n, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MatrixVectorShapes))]
    public void Gemm_MatrixVector_AnyRowOffset_MatchesReference(int width, int n, int k)
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

            Forced(width, () => { arena.Backend.Gemm(false, true, 1, n, k, 0.5f, xv, wv, 1.5f, yv); return 0; });

            TestData.Close(expected, arena.Get(yv), Tolerance.Reduction, $"y at offset {offset}, width {width}");
        }
    }

    [Theory]
    [MemberData(nameof(WidthData))]
    public void Gemm_MatrixVectorKernel_EachWidth_MatchesReference(int width)
    {
        // The 16-row kernel itself at each width it has, beta 0 over NaN in y and beta 1, so a width that fell back
        // to the dot products would not hide here.
        const int n = 48, k = 64;
        if (!GemvRows16.IsSupported(width))
        {
            Assert.Equal(1, width);
            return;
        }

        var random = new Random(42);
        float[] x = TestData.Uniform(random, k), w = TestData.Uniform(random, (n * k) + 16), y = TestData.Uniform(random, n);
        foreach (float beta in new[] { 0f, 1f })
        {
            for (int offset = 0; offset < 16; offset++)
            {
                float[] result = beta == 0f ? Enumerable.Repeat(float.NaN, n).ToArray() : (float[])y.Clone();
                float[] weights = w.AsSpan(offset, n * k).ToArray();
                fixed (float* xp = x, wp = w, yp = result)
                {
                    Assert.Equal(n, GemvRows16.Run(width, xp, wp + offset, n, k, k, 0.75f, beta, yp));
                }

                TestData.Close(GemmReference.Run(false, true, 1, n, k, 0.75, x, weights, beta, y), result, Tolerance.Reduction, $"y at offset {offset}, beta {beta}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(WidthData))]
    public void Gemm_WiderThanOnePanel_MatchesReference(int width)
    {
        // 2100 columns cross the NC panel boundary (2048 with the AVX-512 kernel, 1024 with AVX2, 512 with 128-bit).
        const int m = 13, n = 2100, k = 5;
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        using var arena = new TestArena();
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);

        Forced(width, () => { arena.Backend.Gemm(false, false, m, n, k, 1f, av, bv, 1f, cv); return 0; });

        TestData.Close(GemmReference.Run(false, false, m, n, k, 1, a, b, 1, c), arena.Get(cv), Tolerance.Reduction, "C");
    }

    [Theory]
    [MemberData(nameof(WidthData))]
    public void KernelName_NamesTheCallingThreadsWidth(int width)
    {
        using var gemm = new GemmCpu(1);
        Assert.Equal(SimdWidth.Describe(Math.Min(width, SimdWidth.Hardware)), Forced(width, () => gemm.KernelName));
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

    public static TheoryData<int, bool, bool, int, int, int> TwoThreadShapes()
    {
        var data = new TheoryData<int, bool, bool, int, int, int>();
        foreach (int width in Widths)
        {
            data.Add(width, false, false, 257, 300, 129);
            data.Add(width, true, false, 257, 300, 129);
            data.Add(width, false, true, 40, 513, 70);
            data.Add(width, true, true, 40, 513, 70);
            data.Add(width, false, false, 600, 64, 300);
        }

        return data;
    }

    /// <summary>
    /// Split over two threads, the product matches the reference and gives the bits of one thread: the worker runs
    /// its part with the caller's forced width (with the pool thread's own, the widest, it would read the packed
    /// slivers with the wrong register block).
    /// </summary>
    [Theory]
    [MemberData(nameof(TwoThreadShapes))]
    public void Gemm_TwoThreads_BitwiseEqualToOne(int width, bool transA, bool transB, int m, int n, int k)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        float[] one = Product(1), two = Product(2);

        TestData.Close(GemmReference.Run(transA, transB, m, n, k, 0.75, a, b, 1, c), two, Tolerance.Reduction, $"C on two threads, width {width}");
        Assert.Equal(one.Length, two.Length);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(one[i]), BitConverter.SingleToInt32Bits(two[i]));
        }

        float[] Product(int threads)
        {
            using var arena = new TestArena(threads: threads);
            Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);
            Forced(width, () => { arena.Backend.Gemm(transA, transB, m, n, k, 0.75f, av, bv, 1f, cv); return 0; });
            return arena.Get(cv);
        }
    }

    /// <summary>
    /// Row counts the (8, 32) AVX-512 register block takes, as it pads fewer rows than the (12, 32) one (64 filters,
    /// and counts that are not multiples of 8), with ragged N and K (the convolution's 121 positions, 288 taps).
    /// </summary>
    public static TheoryData<bool, bool, int, int, int, float> ShortBlockShapes()
    {
        var data = new TheoryData<bool, bool, int, int, int, float>();
        int[][] shapes = [[64, 121, 288], [7, 33, 17], [15, 31, 121], [40, 65, 9], [101, 47, 300]];
        foreach (int[] s in shapes)
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true })
                {
                    foreach (float beta in new[] { 0f, 1f })
                    {
                        data.Add(transA, transB, s[0], s[1], s[2], beta);
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShortBlockShapes))]
    public void Gemm_ShortRegisterBlockRows_MatchesReference(bool transA, bool transB, int m, int n, int k, float beta)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        using var arena = new TestArena();
        Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);

        arena.Backend.Gemm(transA, transB, m, n, k, 1f, av, bv, beta, cv);

        TestData.Close(GemmReference.Run(transA, transB, m, n, k, 1, a, b, beta, c), arena.Get(cv), Tolerance.Reduction, "C");
    }

    /// <summary>
    /// The (8, 32) block forced on row counts that are not multiples of 8 (where 12 would be picked, and the last tile
    /// is an edge) gives the same bits as the (12, 32) block: each element is the same chain of fused multiply-adds.
    /// </summary>
    [Theory]
    [InlineData(false, false, 13, 121, 288, 0f)]
    [InlineData(true, false, 33, 47, 17, 1f)]
    [InlineData(false, true, 57, 33, 300, 1f)]
    [InlineData(true, true, 250, 70, 121, 0f)]
    public void Gemm_ShortRegisterBlockForced_BitwiseAsTall(bool transA, bool transB, int m, int n, int k, float beta)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        float[] tall = Product(12), shortRows = Product(8);

        for (int i = 0; i < tall.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(tall[i]), BitConverter.SingleToInt32Bits(shortRows[i]));
        }

        float[] Product(int rows)
        {
            GemmCpu.ForcedTileRows = rows;
            try
            {
                using var arena = new TestArena();
                Buf av = arena.Put(a), bv = arena.Put(b), cv = arena.Put(c);
                arena.Backend.Gemm(transA, transB, m, n, k, 1f, av, bv, beta, cv);
                return arena.Get(cv);
            }
            finally
            {
                GemmCpu.ForcedTileRows = 0;
            }
        }
    }

    public static TheoryData<int, bool, bool, int, int, int, float> PrepackedShapes()
    {
        var data = new TheoryData<int, bool, bool, int, int, int, float>();
        foreach (int width in Widths)
        {
            data.Add(width, false, false, 64, 121, 288, 0f);
            data.Add(width, true, false, 288, 121, 64, 0f);
            data.Add(width, false, true, 13, 33, 17, 1f);
            data.Add(width, true, true, 40, 47, 9, 1f);
            data.Add(width, false, false, 7, 70, 401, 1f);
            data.Add(width, true, false, 101, 5, 121, 0f);
        }

        return data;
    }

    /// <summary>
    /// The convolution's path: op(A) packed once (either storage), then products by B (either storage) into C with a
    /// row stride wider than N, beta 0 and 1; row counts for each register block, ragged N and K, and depths past
    /// 1.5 KC that take more than one block. A is packed under a forced width on this thread and the product runs on
    /// another thread (as a convolution's pool parts do, with no width forced there): it must use the packed width.
    /// </summary>
    [Theory]
    [MemberData(nameof(PrepackedShapes))]
    public void Gemm_Prepacked_MatchesReference(int width, bool transA, bool transB, int m, int n, int k, float beta)
    {
        const int extra = 3;
        int ldc = n + extra;
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * ldc);
        float[] result = (float[])c.Clone();
        using (var gemm = new GemmCpu(1))
        {
            fixed (float* ap = a, bp = b, cp = result)
            {
                (nint aAt, nint bAt, nint cAt) = ((nint)ap, (nint)bp, (nint)cp);
                nint packed = Forced(width, () =>
                {
                    Assert.True(gemm.CanPrepack(m, k));
                    return (nint)gemm.PrepackA((float*)aAt, transA, m, k);
                });
                var worker = new Thread(() => gemm.RunPrepacked(0, (float*)packed, m, n, k, transB, (float*)bAt, beta, (float*)cAt, ldc));
                worker.Start();
                worker.Join();
            }
        }

        float[] dense = new float[m * n];
        for (int i = 0; i < m; i++)
        {
            Array.Copy(c, i * ldc, dense, i * n, n);
        }

        double[] expected = GemmReference.Run(transA, transB, m, n, k, 1, a, b, beta, dense);
        for (int i = 0; i < m; i++)
        {
            TestData.Close(expected.AsSpan(i * n, n), result.AsSpan(i * ldc, n), Tolerance.Reduction, $"C row {i}");
            Assert.Equal(c.AsSpan((i * ldc) + n, extra).ToArray(), result.AsSpan((i * ldc) + n, extra).ToArray());
        }
    }

    /// <summary>
    /// The convolution's weight gradient: acc = A1 B1^T, then += A2 B2^T, A read in place with a row stride wider than
    /// K, B (N, K) packed transposed; ragged row tiles and columns; one and two threads give the same bits.
    /// </summary>
    public static TheoryData<int, int, int, int> AccumulateShapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int width in Widths)
        {
            foreach ((int m, int n, int k) in new[] { (288, 64, 121), (13, 33, 17), (7, 5, 9), (1, 1, 1), (25, 70, 40) })
            {
                data.Add(width, m, n, k);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AccumulateShapes))]
    public void Gemm_AccumulateTransposedB_MatchesReference(int width, int m, int n, int k)
    {
        int lda = k + 3, ldb = k + 2;
        var random = new Random(42);
        float[] a1 = TestData.Uniform(random, m * lda), a2 = TestData.Uniform(random, m * lda);
        float[] b1 = TestData.Uniform(random, n * ldb), b2 = TestData.Uniform(random, n * ldb);
        float[] Dense(float[] x, int rows, int ld)
        {
            float[] d = new float[rows * k];
            for (int i = 0; i < rows; i++)
            {
                Array.Copy(x, i * ld, d, i * k, k);
            }

            return d;
        }

        float[] first = GemmReference.Run(false, true, m, n, k, 1, Dense(a1, m, lda), Dense(b1, n, ldb), 0, new float[m * n]).Select(v => (float)v).ToArray();
        double[] expected = GemmReference.Run(false, true, m, n, k, 1, Dense(a2, m, lda), Dense(b2, n, ldb), 1, first);
        float[] Run(int threads) => Forced(width, () =>
        {
            float[] result = new float[m * n];
            using var gemm = new GemmCpu(threads);
            Assert.True(gemm.CanAccumulate(m, n, k));
            fixed (float* a1p = a1, a2p = a2, b1p = b1, b2p = b2)
            {
                gemm.AccumulateTransposedB(a1p, lda, b1p, ldb, m, n, k, first: true);
                gemm.AccumulateTransposedB(a2p, lda, b2p, ldb, m, n, k, first: false);
            }

            int ld = gemm.AccumulatorStride(n);
            for (int i = 0; i < m; i++)
            {
                new ReadOnlySpan<float>(gemm.Accumulator + ((nint)i * ld), n).CopyTo(result.AsSpan(i * n, n));
            }

            return result;
        });

        float[] one = Run(1), two = Run(2);
        TestData.Close(expected, one, 2 * Tolerance.Reduction, "acc");
        TestData.Close(expected, two, 2 * Tolerance.Reduction, "acc on two threads");
        Assert.Equal(one, two);
    }

    public static TheoryData<int, int, int, int> DeepTransposedAShapes()
    {
        var data = new TheoryData<int, int, int, int>();
        foreach (int width in Widths)
        {
            // A weight gradient's shape (depth = rows of the batch, several KC blocks); M crossing the MC block with a
            // ragged last sliver in each block; M a multiple of every block's rows, so no sliver is packed.
            data.Add(width, 250, 70, 600);
            data.Add(width, 97, 33, 300);
            data.Add(width, 48, 64, 520);
        }

        return data;
    }

    /// <summary>
    /// A transposed product reads A's full slivers in place (A stored (K, M) already holds each depth's rows side by
    /// side) and packs only a ragged last one: it gives the bits of the same product with A stored untransposed (packed
    /// whole), matches the reference with alpha and beta, ignores NaN in C for beta = 0, and gives one thread's bits on two.
    /// </summary>
    [Theory]
    [MemberData(nameof(DeepTransposedAShapes))]
    public void Gemm_TransposedAInPlace_BitwiseAsUntransposed(int width, int m, int n, int k)
    {
        var random = new Random(42);
        float[] a = TestData.Uniform(random, m * k), b = TestData.Uniform(random, k * n), c = TestData.Uniform(random, m * n);
        float[] aT = new float[k * m];
        for (int i = 0; i < m; i++)
        {
            for (int p = 0; p < k; p++)
            {
                aT[(p * m) + i] = a[(i * k) + p];
            }
        }

        float[] untransposed = Product(false, a, 1, 1.5f), transposed = Product(true, aT, 1, 1.5f), two = Product(true, aT, 2, 1.5f);
        TestData.Close(GemmReference.Run(false, false, m, n, k, 0.5, a, b, 1.5, c), transposed, Tolerance.Reduction, $"C at width {width}");
        for (int i = 0; i < untransposed.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(untransposed[i]), BitConverter.SingleToInt32Bits(transposed[i]));
            Assert.Equal(BitConverter.SingleToInt32Bits(transposed[i]), BitConverter.SingleToInt32Bits(two[i]));
        }

        Array.Fill(c, float.NaN);
        TestData.Close(GemmReference.Run(false, false, m, n, k, 0.5, a, b, 0, new float[m * n]), Product(true, aT, 1, 0f), Tolerance.Reduction, "C, beta 0");

        float[] Product(bool transA, float[] left, int threads, float beta)
        {
            using var arena = new TestArena(threads: threads);
            Buf av = arena.Put(left), bv = arena.Put(b), cv = arena.Put(c);
            Forced(width, () => { arena.Backend.Gemm(transA, false, m, n, k, 0.5f, av, bv, beta, cv); return 0; });
            return arena.Get(cv);
        }
    }

    /// <summary>Each register block's strided-A form against the reference, whichever the machine runs (scalar always), beta 0 and 1.</summary>
    [Theory]
    [InlineData(512, 0f)]
    [InlineData(512, 1f)]
    [InlineData(256, 0f)]
    [InlineData(256, 1f)]
    [InlineData(128, 0f)]
    [InlineData(128, 1f)]
    [InlineData(1, 0f)]
    [InlineData(1, 1f)]
    public void MicroKernel_StridedA_MatchesReference(int width, float beta)
    {
        if ((width == 512 && !Vector512.IsHardwareAccelerated)
            || (width == 256 && !Vector256.IsHardwareAccelerated)
            || (width == 128 && !Vector128.IsHardwareAccelerated))
        {
            return;
        }

        (int mr, int nr) = width switch
        {
            512 => (MicroKernel512.MR, MicroKernel512.NR),
            256 => (MicroKernel256.MR, MicroKernel256.NR),
            128 => (MicroKernel128.MR, MicroKernel128.NR),
            _ => (MicroKernelScalar.MR, MicroKernelScalar.NR),
        };
        const int k = 37, lda = k + 5, ldb = 3, ldc = 2;
        int bStride = nr + ldb, cStride = nr + ldc;
        var random = new Random(42);
        float[] a = TestData.Uniform(random, mr * lda), b = TestData.Uniform(random, k * bStride), c = TestData.Uniform(random, mr * cStride);
        float[] result = (float[])c.Clone();
        fixed (float* ap = a, bp = b, cp = result)
        {
            switch (width)
            {
                case 512: MicroKernel512.RunStridedA(k, ap, lda, bp, bStride, cp, cStride, beta); break;
                case 256: MicroKernel256.RunStridedA(k, ap, lda, bp, bStride, cp, cStride, beta); break;
                case 128: MicroKernel128.RunStridedA(k, ap, lda, bp, bStride, cp, cStride, beta); break;
                default: MicroKernelScalar.RunStridedA(k, ap, lda, bp, bStride, cp, cStride, beta); break;
            }
        }

        for (int i = 0; i < mr; i++)
        {
            for (int j = 0; j < nr; j++)
            {
                double sum = beta * (double)c[(i * cStride) + j];
                for (int p = 0; p < k; p++)
                {
                    sum += (double)a[(i * lda) + p] * b[(p * bStride) + j];
                }

                Assert.True(Math.Abs(sum - result[(i * cStride) + j]) <= Tolerance.Reduction * (1 + Math.Abs(sum)), $"c[{i}, {j}] {result[(i * cStride) + j]} vs {sum}");
            }

            Assert.Equal(c.AsSpan((i * cStride) + nr, ldc).ToArray(), result.AsSpan((i * cStride) + nr, ldc).ToArray());
        }
    }
}
