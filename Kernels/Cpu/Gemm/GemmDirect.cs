using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// Products with very few rows or columns of C (matrix-vector shapes such as (512, 1, 64) or
/// (1, 64, 512)), where padding to a register tile would waste most of the work. They run on the calling
/// thread without packing: dot products when rows of op(A) and columns of op(B) are contiguous, row
/// updates (axpy) when rows of op(B) are, and a plain loop otherwise.
/// </summary>
internal static unsafe class GemmDirect
{
    /// <summary>C (M, N) = alpha * op(A) (M, K) * op(B) (K, N) + beta * C.</summary>
    public static void Run(bool transA, bool transB, int m, int n, int k, float alpha, float* a, float* b, float beta, float* c)
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
                    if (GemvRows16.IsSupported && k % 16 == 0)
                    {
                        j = GemvRows16.Run(aRowPtr, b, n, k, bCol, alpha, beta, cRow);
                    }

                    for (; j <= n - 4; j += 4)
                    {
                        float* b0 = b + (j * bCol);
                        Dot4(aRowPtr, b0, b0 + bCol, b0 + (2 * bCol), b0 + (3 * bCol), k, cRow + j, 1, alpha, beta);
                    }

                    for (; j < n; j++)
                    {
                        float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(aRowPtr, k), new ReadOnlySpan<float>(b + (j * bCol), k));
                        cRow[j] = beta == 0f ? dot * alpha : (dot * alpha) + (cRow[j] * beta);
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
                        Dot4(bColPtr, a0, a0 + aRow, a0 + (2 * aRow), a0 + (3 * aRow), k, c + ((nint)i * n) + j, n, alpha, beta);
                    }

                    for (; i < m; i++)
                    {
                        float dot = TensorPrimitives.Dot(new ReadOnlySpan<float>(a + (i * aRow), k), new ReadOnlySpan<float>(bColPtr, k));
                        float* cij = c + ((nint)i * n) + j;
                        *cij = beta == 0f ? dot * alpha : (dot * alpha) + (*cij * beta);
                    }
                }
            }
        }
        else if (bCol == 1)
        {
            for (int i = 0; i < m; i++)
            {
                var cRow = new Span<float>(c + ((nint)i * n), n);
                if (beta == 0f)
                {
                    cRow.Clear();
                }
                else if (beta != 1f)
                {
                    TensorPrimitives.Multiply(cRow, beta, cRow);
                }

                for (int p = 0; p < k; p++)
                {
                    float scale = alpha * a[(i * aRow) + (p * aDepth)];
                    TensorPrimitives.MultiplyAdd(new ReadOnlySpan<float>(b + (p * bDepth), n), scale, cRow, cRow);
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
                        sum = MathF.FusedMultiplyAdd(a[(i * aRow) + (p * aDepth)], b[(p * bDepth) + (j * bCol)], sum);
                    }

                    float* cij = c + ((nint)i * n) + j;
                    *cij = beta == 0f ? sum * alpha : (sum * alpha) + (*cij * beta);
                }
            }
        }
    }

    /// <summary>
    /// x, r0..r3 (K): out[q * stride] = alpha * dot(x, r_q) + beta * out[q * stride], the four dot products
    /// sharing each load of x, one 16-lane accumulator each, the tail added in order after the vector sum.
    /// </summary>
    private static void Dot4(float* x, float* r0, float* r1, float* r2, float* r3, int k, float* output, nint stride, float alpha, float beta)
    {
        float s0, s1, s2, s3;
        int p = 0;
        if (Vector512.IsHardwareAccelerated && k >= 16)
        {
            Vector512<float> acc0 = default, acc1 = default, acc2 = default, acc3 = default;

            // Two accumulators per dot product, so eight independent FMA chains hide the FMA latency.
            Vector512<float> acc4 = default, acc5 = default, acc6 = default, acc7 = default;
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

            Vector128<float> sums = Sum4(acc0, acc1, acc2, acc3);
            (s0, s1, s2, s3) = (sums.GetElement(0), sums.GetElement(1), sums.GetElement(2), sums.GetElement(3));
        }
        else
        {
            (s0, s1, s2, s3) = (0f, 0f, 0f, 0f);
        }

        for (; p < k; p++)
        {
            float xp = x[p];
            s0 = MathF.FusedMultiplyAdd(xp, r0[p], s0);
            s1 = MathF.FusedMultiplyAdd(xp, r1[p], s1);
            s2 = MathF.FusedMultiplyAdd(xp, r2[p], s2);
            s3 = MathF.FusedMultiplyAdd(xp, r3[p], s3);
        }

        Write(output, s0, alpha, beta);
        Write(output + stride, s1, alpha, beta);
        Write(output + (2 * stride), s2, alpha, beta);
        Write(output + (3 * stride), s3, alpha, beta);
    }

    /// <summary>
    /// The four horizontal sums at once: halves folded, then two rounds of pairwise adds across the four vectors
    /// (13 instructions, where four separate <see cref="Vector512.Sum{T}(Vector512{T})"/> take about thirty each).
    /// </summary>
    private static Vector128<float> Sum4(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d)
    {
        Vector256<float> a8 = a.GetLower() + a.GetUpper(), b8 = b.GetLower() + b.GetUpper();
        Vector256<float> c8 = c.GetLower() + c.GetUpper(), d8 = d.GetLower() + d.GetUpper();
        Vector256<float> abcd = Avx.HorizontalAdd(Avx.HorizontalAdd(a8, b8), Avx.HorizontalAdd(c8, d8));
        return abcd.GetLower() + abcd.GetUpper();
    }

    private static void Write(float* c, float dot, float alpha, float beta) =>
        *c = beta == 0f ? dot * alpha : (dot * alpha) + (*c * beta);
}
