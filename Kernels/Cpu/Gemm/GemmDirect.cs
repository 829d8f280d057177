using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// Products with very few rows or columns of C (matrix-vector shapes such as (512, 1, 64) or
/// (1, 64, 512)), where padding to a register tile would waste most of the work. They run on the calling
/// thread without packing, with vectors of the width the caller picked: dot products when rows of op(A) and
/// columns of op(B) are contiguous, rows of C built in registers when rows of op(B) are, and a plain loop otherwise.
/// </summary>
internal static unsafe class GemmDirect
{
    /// <summary>C (M, N) = alpha * op(A) (M, K) * op(B) (K, N) + beta * C, with vectors of <paramref name="width"/> bits.</summary>
    public static void Run(int width, bool transA, bool transB, int m, int n, int k, float alpha, float* a, float* b, float beta, float* c)
    {
        // Strides of op(A)(i, p) and op(B)(p, j) in the stored layouts.
        nint aRow = transA ? 1 : k, aDepth = transA ? m : 1;
        nint bDepth = transB ? 1 : n, bCol = transB ? k : 1;
        if (aDepth == 1 && bDepth == 1)
        {
            // Dot products sharing one operand's loads: sixteen (then four) columns of op(B) against a row of
            // op(A) (batch-1 inference, y = W x), or four rows of op(A) against the one column (a Dense(1) head).
            if (n >= 4 || m < 4)
            {
                for (int i = 0; i < m; i++)
                {
                    float* aRowPtr = a + (i * aRow);
                    float* cRow = c + ((nint)i * n);
                    int j = 0;
                    if (k % 16 == 0 && GemvRows16.IsSupported(width))
                    {
                        j = GemvRows16.Run(width, aRowPtr, b, n, k, bCol, alpha, beta, cRow);
                    }

                    for (; j <= n - 4; j += 4)
                    {
                        float* b0 = b + (j * bCol);
                        Dot4(width, aRowPtr, b0, b0 + bCol, b0 + (2 * bCol), b0 + (3 * bCol), k, cRow + j, 1, alpha, beta);
                    }

                    for (; j < n; j++)
                    {
                        float* bj = b + (j * bCol);
                        Dot4(width, aRowPtr, bj, bj, bj, bj, k, cRow + j, 0, alpha, beta);
                    }
                }
            }
            else
            {
                for (int j = 0; j < n; j++)
                {
                    float* bColPtr = b + (j * bCol);
                    int i = 0;
                    for (; i <= m - 4; i += 4)
                    {
                        float* a0 = a + (i * aRow);
                        Dot4(width, bColPtr, a0, a0 + aRow, a0 + (2 * aRow), a0 + (3 * aRow), k, c + ((nint)i * n) + j, n, alpha, beta);
                    }

                    for (; i < m; i++)
                    {
                        float* ai = a + (i * aRow);
                        Dot4(width, bColPtr, ai, ai, ai, ai, k, c + ((nint)i * n) + j, 0, alpha, beta);
                    }
                }
            }
        }
        else if (bCol == 1)
        {
            for (int i = 0; i < m; i++)
            {
                float* aRowPtr = a + (i * aRow), cRow = c + ((nint)i * n);
                switch (width)
                {
                    case 512 when Vector512.IsHardwareAccelerated: RowOfC<V512>(aRowPtr, aDepth, b, bDepth, n, k, alpha, beta, cRow); break;
                    case >= 256 when Vector256.IsHardwareAccelerated: RowOfC<V256>(aRowPtr, aDepth, b, bDepth, n, k, alpha, beta, cRow); break;
                    case >= 128 when Vector128.IsHardwareAccelerated: RowOfC<V128>(aRowPtr, aDepth, b, bDepth, n, k, alpha, beta, cRow); break;
                    default: RowOfC<V1>(aRowPtr, aDepth, b, bDepth, n, k, alpha, beta, cRow); break;
                }
            }
        }
        else
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float sum = 0f;
                    for (int p = 0; p < k; p++)
                    {
                        sum = float.MultiplyAddEstimate(a[(i * aRow) + (p * aDepth)], b[(p * bDepth) + (j * bCol)], sum);
                    }

                    float* cij = c + ((nint)i * n) + j;
                    *cij = beta == 0f ? sum * alpha : (sum * alpha) + (*cij * beta);
                }
            }
        }
    }

    /// <summary>
    /// a (K) with stride aDepth, b (K, N) with row stride bDepth, c (N): c = alpha * (a b) + beta * c, where beta = 0
    /// never reads c. Four vectors of C at a time are summed over all of K in registers and written once (rather
    /// than K passes of c += a[p] * b_p over the row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RowOfC<TV>(float* a, nint aDepth, float* b, nint bDepth, int n, int k, float alpha, float beta, float* c)
        where TV : struct, IVector<TV>
    {
        int lanes = TV.Count, j = 0;
        for (; j <= n - (4 * lanes); j += 4 * lanes)
        {
            TV acc0 = TV.Zero, acc1 = TV.Zero, acc2 = TV.Zero, acc3 = TV.Zero;
            float* bp = b + j;
            for (int p = 0; p < k; p++)
            {
                TV s = TV.Create(a[p * aDepth]);
                acc0 = TV.FusedMultiplyAdd(s, TV.Load(bp), acc0);
                acc1 = TV.FusedMultiplyAdd(s, TV.Load(bp + lanes), acc1);
                acc2 = TV.FusedMultiplyAdd(s, TV.Load(bp + (2 * lanes)), acc2);
                acc3 = TV.FusedMultiplyAdd(s, TV.Load(bp + (3 * lanes)), acc3);
                bp += bDepth;
            }

            Write(acc0, c + j, alpha, beta);
            Write(acc1, c + j + lanes, alpha, beta);
            Write(acc2, c + j + (2 * lanes), alpha, beta);
            Write(acc3, c + j + (3 * lanes), alpha, beta);
        }

        for (; j <= n - lanes; j += lanes)
        {
            TV acc = TV.Zero;
            float* bp = b + j;
            for (int p = 0; p < k; p++)
            {
                acc = TV.FusedMultiplyAdd(TV.Create(a[p * aDepth]), TV.Load(bp), acc);
                bp += bDepth;
            }

            Write(acc, c + j, alpha, beta);
        }

        for (; j < n; j++)
        {
            float sum = 0f;
            for (int p = 0; p < k; p++)
            {
                sum = float.MultiplyAddEstimate(a[p * aDepth], b[(p * bDepth) + j], sum);
            }

            Write(c + j, sum, alpha, beta);
        }
    }

    /// <summary>c[0, lanes) = alpha * acc + beta * c, c unread when beta is 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Write<TV>(TV acc, float* c, float alpha, float beta)
        where TV : struct, IVector<TV>
    {
        // acc * alpha as a multiply-add onto zero: one rounding, as a multiply.
        TV value = TV.FusedMultiplyAdd(acc, TV.Create(alpha), TV.Zero);
        if (beta != 0f)
        {
            value = TV.FusedMultiplyAdd(TV.Load(c), TV.Create(beta), value);
        }

        value.Store(c);
    }

    /// <summary>
    /// x, r0..r3 (K): out[q * stride] = alpha * dot(x, r_q) + beta * out[q * stride], the four dot products
    /// sharing each load of x, two accumulators each (eight independent chains hide the FMA latency), the tail
    /// added in order after the vector sum. A single dot product passes the same row four times with stride 0.
    /// </summary>
    private static void Dot4(int width, float* x, float* r0, float* r1, float* r2, float* r3, int k, float* output, nint stride, float alpha, float beta)
    {
        Vector128<float> sums;
        int p;
        if (width >= 512 && Vector512.IsHardwareAccelerated && k >= 16)
        {
            (sums, p) = Dot4x512(x, r0, r1, r2, r3, k);
        }
        else if (width >= 256 && Avx.IsSupported && Vector256.IsHardwareAccelerated && k >= 8)
        {
            (sums, p) = Dot4x256(x, r0, r1, r2, r3, k);
        }
        else if (width >= 128 && Vector128.IsHardwareAccelerated && k >= 4)
        {
            (sums, p) = Dot4x128(x, r0, r1, r2, r3, k);
        }
        else
        {
            (sums, p) = (Vector128<float>.Zero, 0);
        }

        float s0 = sums.GetElement(0), s1 = sums.GetElement(1), s2 = sums.GetElement(2), s3 = sums.GetElement(3);
        for (; p < k; p++)
        {
            float xp = x[p];
            s0 = float.MultiplyAddEstimate(xp, r0[p], s0);
            s1 = float.MultiplyAddEstimate(xp, r1[p], s1);
            s2 = float.MultiplyAddEstimate(xp, r2[p], s2);
            s3 = float.MultiplyAddEstimate(xp, r3[p], s3);
        }

        // Stride 0 (one dot product): the same value four times into one place.
        Write(output + (3 * stride), s3, alpha, beta);
        if (stride != 0)
        {
            Write(output, s0, alpha, beta);
            Write(output + stride, s1, alpha, beta);
            Write(output + (2 * stride), s2, alpha, beta);
        }
    }

    /// <summary>The four dot products at 512 bits, the last partial vector through masked loads: the four sums and K.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Sums, int Done) Dot4x512(float* x, float* r0, float* r1, float* r2, float* r3, int k)
    {
        Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        Vector512<float> acc4 = default, acc5 = default, acc6 = default, acc7 = default;
        int p = 0;
        for (; p <= k - 32; p += 32)
        {
            Vector512<float> xa = Vector512.Load(x + p), xb = Vector512.Load(x + p + 16);
            acc0 = Vector512.FusedMultiplyAdd(xa, Vector512.Load(r0 + p), acc0);
            acc1 = Vector512.FusedMultiplyAdd(xa, Vector512.Load(r1 + p), acc1);
            acc2 = Vector512.FusedMultiplyAdd(xa, Vector512.Load(r2 + p), acc2);
            acc3 = Vector512.FusedMultiplyAdd(xa, Vector512.Load(r3 + p), acc3);
            acc4 = Vector512.FusedMultiplyAdd(xb, Vector512.Load(r0 + p + 16), acc4);
            acc5 = Vector512.FusedMultiplyAdd(xb, Vector512.Load(r1 + p + 16), acc5);
            acc6 = Vector512.FusedMultiplyAdd(xb, Vector512.Load(r2 + p + 16), acc6);
            acc7 = Vector512.FusedMultiplyAdd(xb, Vector512.Load(r3 + p + 16), acc7);
        }

        acc0 += acc4;
        acc1 += acc5;
        acc2 += acc6;
        acc3 += acc7;
        for (; p <= k - 16; p += 16)
        {
            Vector512<float> xv = Vector512.Load(x + p);
            acc0 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(r0 + p), acc0);
            acc1 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(r1 + p), acc1);
            acc2 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(r2 + p), acc2);
            acc3 = Vector512.FusedMultiplyAdd(xv, Vector512.Load(r3 + p), acc3);
        }

        if (p < k && Avx512F.IsSupported)
        {
            // The last partial vector through masked loads, which never touch memory past the end.
            Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(k - p)).AsSingle();
            Vector512<float> xv = Avx512F.MaskLoad(x + p, mask, Vector512<float>.Zero);
            acc0 = Vector512.FusedMultiplyAdd(xv, Avx512F.MaskLoad(r0 + p, mask, Vector512<float>.Zero), acc0);
            acc1 = Vector512.FusedMultiplyAdd(xv, Avx512F.MaskLoad(r1 + p, mask, Vector512<float>.Zero), acc1);
            acc2 = Vector512.FusedMultiplyAdd(xv, Avx512F.MaskLoad(r2 + p, mask, Vector512<float>.Zero), acc2);
            acc3 = Vector512.FusedMultiplyAdd(xv, Avx512F.MaskLoad(r3 + p, mask, Vector512<float>.Zero), acc3);
            p = k;
        }

        // The four horizontal sums at once: halves folded, then the 256-bit tree (13 instructions, where four
        // separate Vector512.Sum take about thirty each).
        return (Sum4(acc0.GetLower() + acc0.GetUpper(), acc1.GetLower() + acc1.GetUpper(),
            acc2.GetLower() + acc2.GetUpper(), acc3.GetLower() + acc3.GetUpper()), p);
    }

    /// <summary>The four dot products at 256 bits, the last partial vector through AVX masked loads: the four sums and K.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Sums, int Done) Dot4x256(float* x, float* r0, float* r1, float* r2, float* r3, int k)
    {
        Vector256<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        Vector256<float> acc4 = default, acc5 = default, acc6 = default, acc7 = default;
        int p = 0;
        for (; p <= k - 16; p += 16)
        {
            Vector256<float> xa = Vector256.Load(x + p), xb = Vector256.Load(x + p + 8);
            acc0 = Vector256.FusedMultiplyAdd(xa, Vector256.Load(r0 + p), acc0);
            acc1 = Vector256.FusedMultiplyAdd(xa, Vector256.Load(r1 + p), acc1);
            acc2 = Vector256.FusedMultiplyAdd(xa, Vector256.Load(r2 + p), acc2);
            acc3 = Vector256.FusedMultiplyAdd(xa, Vector256.Load(r3 + p), acc3);
            acc4 = Vector256.FusedMultiplyAdd(xb, Vector256.Load(r0 + p + 8), acc4);
            acc5 = Vector256.FusedMultiplyAdd(xb, Vector256.Load(r1 + p + 8), acc5);
            acc6 = Vector256.FusedMultiplyAdd(xb, Vector256.Load(r2 + p + 8), acc6);
            acc7 = Vector256.FusedMultiplyAdd(xb, Vector256.Load(r3 + p + 8), acc7);
        }

        acc0 += acc4;
        acc1 += acc5;
        acc2 += acc6;
        acc3 += acc7;
        for (; p <= k - 8; p += 8)
        {
            Vector256<float> xv = Vector256.Load(x + p);
            acc0 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(r0 + p), acc0);
            acc1 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(r1 + p), acc1);
            acc2 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(r2 + p), acc2);
            acc3 = Vector256.FusedMultiplyAdd(xv, Vector256.Load(r3 + p), acc3);
        }

        if (p < k)
        {
            // vmaskmovps: masked-off lanes are never read, so nothing past the end is touched.
            Vector256<float> mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(k - p)).AsSingle();
            Vector256<float> xv = Avx.MaskLoad(x + p, mask);
            acc0 = Vector256.FusedMultiplyAdd(xv, Avx.MaskLoad(r0 + p, mask), acc0);
            acc1 = Vector256.FusedMultiplyAdd(xv, Avx.MaskLoad(r1 + p, mask), acc1);
            acc2 = Vector256.FusedMultiplyAdd(xv, Avx.MaskLoad(r2 + p, mask), acc2);
            acc3 = Vector256.FusedMultiplyAdd(xv, Avx.MaskLoad(r3 + p, mask), acc3);
            p = k;
        }

        return (Sum4(acc0, acc1, acc2, acc3), p);
    }

    /// <summary>
    /// The four dot products at 128 bits (SSE or NEON), multiply-adds fused only where the hardware has FMA:
    /// the four sums and how far they got (the last few floats are left to the scalar tail).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Sums, int Done) Dot4x128(float* x, float* r0, float* r1, float* r2, float* r3, int k)
    {
        Vector128<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;
        Vector128<float> acc4 = default, acc5 = default, acc6 = default, acc7 = default;
        int p = 0;
        for (; p <= k - 8; p += 8)
        {
            Vector128<float> xa = Vector128.Load(x + p), xb = Vector128.Load(x + p + 4);
            acc0 = Vector128.MultiplyAddEstimate(xa, Vector128.Load(r0 + p), acc0);
            acc1 = Vector128.MultiplyAddEstimate(xa, Vector128.Load(r1 + p), acc1);
            acc2 = Vector128.MultiplyAddEstimate(xa, Vector128.Load(r2 + p), acc2);
            acc3 = Vector128.MultiplyAddEstimate(xa, Vector128.Load(r3 + p), acc3);
            acc4 = Vector128.MultiplyAddEstimate(xb, Vector128.Load(r0 + p + 4), acc4);
            acc5 = Vector128.MultiplyAddEstimate(xb, Vector128.Load(r1 + p + 4), acc5);
            acc6 = Vector128.MultiplyAddEstimate(xb, Vector128.Load(r2 + p + 4), acc6);
            acc7 = Vector128.MultiplyAddEstimate(xb, Vector128.Load(r3 + p + 4), acc7);
        }

        acc0 += acc4;
        acc1 += acc5;
        acc2 += acc6;
        acc3 += acc7;
        for (; p <= k - 4; p += 4)
        {
            Vector128<float> xv = Vector128.Load(x + p);
            acc0 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r0 + p), acc0);
            acc1 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r1 + p), acc1);
            acc2 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r2 + p), acc2);
            acc3 = Vector128.MultiplyAddEstimate(xv, Vector128.Load(r3 + p), acc3);
        }

        return (GemvRows16.Reduce4(acc0, acc1, acc2, acc3), p);
    }

    /// <summary>The four horizontal sums of 256-bit vectors at once: two rounds of pairwise adds, then the halves added.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Sum4(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d)
    {
        Vector256<float> abcd = Avx.HorizontalAdd(Avx.HorizontalAdd(a, b), Avx.HorizontalAdd(c, d));
        return abcd.GetLower() + abcd.GetUpper();
    }

    private static void Write(float* c, float dot, float alpha, float beta) =>
        *c = beta == 0f ? dot * alpha : (dot * alpha) + (*c * beta);
}
