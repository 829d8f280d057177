using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// Copies blocks of op(A) and op(B) into the layouts the micro-kernels stream: slivers of MR rows of A and
/// NR columns of B, k-major, zero-padded to full slivers so edge tiles need no special kernel. Both packers
/// read the transposed storage directly, so backward products never materialise a transpose.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// op(A) block rows [row0, row0 + rows), depth [depth0, depth0 + depth) into dst as ceil(rows / mr)
    /// slivers of (depth, mr). A is stored (M, K), or (K, M) when transposed.
    /// </summary>
    public static void PackA(float* a, bool transA, int m, int k, int row0, int rows, int depth0, int depth, int mr, float* dst)
    {
        for (int ir = 0; ir < rows; ir += mr)
        {
            int valid = Math.Min(mr, rows - ir);
            if (transA)
            {
                // op(A)(i, p) = A[p, i]: each k step is a contiguous run of the sliver's rows.
                float* src = a + ((nint)depth0 * m) + row0 + ir;
                for (int p = 0; p < depth; p++)
                {
                    CopyPadded(src, dst, valid, mr);
                    src += m;
                    dst += mr;
                }
            }
            else
            {
                float* src = a + ((nint)(row0 + ir) * k) + depth0;
                for (int i = 0; i < valid; i++)
                {
                    float* s = src + ((nint)i * k);
                    float* d = dst + i;
                    for (int p = 0; p < depth; p++)
                    {
                        d[(nint)p * mr] = s[p];
                    }
                }

                for (int i = valid; i < mr; i++)
                {
                    for (int p = 0; p < depth; p++)
                    {
                        dst[((nint)p * mr) + i] = 0f;
                    }
                }

                dst += (nint)depth * mr;
            }
        }
    }

    /// <summary>
    /// op(B) block depth [depth0, depth0 + depth), columns [col0, col0 + cols) into dst as ceil(cols / nr)
    /// slivers of (depth, nr). B is stored (K, N), or (N, K) when transposed.
    /// </summary>
    public static void PackB(float* b, bool transB, int n, int k, int depth0, int depth, int col0, int cols, int nr, float* dst)
    {
        for (int jr = 0; jr < cols; jr += nr)
        {
            int valid = Math.Min(nr, cols - jr);
            if (transB)
            {
                // op(B)(p, j) = B[j, p]: read each stored row contiguously, scatter into the sliver's column.
                for (int j = 0; j < valid; j++)
                {
                    float* s = b + ((nint)(col0 + jr + j) * k) + depth0;
                    float* d = dst + j;
                    for (int p = 0; p < depth; p++)
                    {
                        d[(nint)p * nr] = s[p];
                    }
                }

                for (int j = valid; j < nr; j++)
                {
                    for (int p = 0; p < depth; p++)
                    {
                        dst[((nint)p * nr) + j] = 0f;
                    }
                }

                dst += (nint)depth * nr;
            }
            else
            {
                float* src = b + ((nint)depth0 * n) + col0 + jr;
                for (int p = 0; p < depth; p++)
                {
                    CopyPadded(src, dst, valid, nr);
                    src += n;
                    dst += nr;
                }
            }
        }
    }

    /// <summary>dst[0, width) = src[0, count) followed by zeros.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* src, float* dst, int count, int width)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - 16; i += 16)
            {
                Vector512.Store(Vector512.Load(src + i), dst + i);
            }
        }

        for (; i <= count - 8; i += 8)
        {
            Vector256.Store(Vector256.Load(src + i), dst + i);
        }

        for (; i < count; i++)
        {
            dst[i] = src[i];
        }

        for (; i < width; i++)
        {
            dst[i] = 0f;
        }
    }
}
