using System.Numerics.Tensors;

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
            for (int i = 0; i < m; i++)
            {
                var aSpan = new ReadOnlySpan<float>(a + (i * aRow), k);
                float* cRow = c + ((nint)i * n);
                for (int j = 0; j < n; j++)
                {
                    float dot = TensorPrimitives.Dot(aSpan, new ReadOnlySpan<float>(b + (j * bCol), k));
                    cRow[j] = beta == 0f ? dot * alpha : (dot * alpha) + (cRow[j] * beta);
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
}
