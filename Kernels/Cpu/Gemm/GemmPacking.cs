using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// Copies blocks of op(A) and op(B) into the layouts the micro-kernels stream: slivers of MR rows of A and
/// NR columns of B, k-major, zero-padded to full slivers so edge tiles need no special kernel. Both packers
/// read the transposed storage directly, so backward products never materialise a transpose. Copies use vectors
/// no wider than the product's width (512, 256, 128, or 1 for scalar).
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// op(A) block rows [row0, row0 + rows), depth [depth0, depth0 + depth) into dst as ceil(rows / mr)
    /// slivers of (depth, mr). A is stored (M, K), or (K, M) when transposed.
    /// </summary>
    public static void PackA(float* a, bool transA, int m, int k, int row0, int rows, int depth0, int depth, int mr, int width, float* dst)
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
                    CopyPadded(src, dst, valid, mr, width);
                    src += m;
                    dst += mr;
                }
            }
            else
            {
                Transpose(a + ((nint)(row0 + ir) * k) + depth0, k, valid, depth, dst, mr);
                dst += (nint)depth * mr;
            }
        }
    }

    /// <summary>
    /// op(B) block depth [depth0, depth0 + depth), columns [col0, col0 + cols) into dst as ceil(cols / nr)
    /// slivers of (depth, nr). B is stored (K, N), or (N, K) when transposed.
    /// </summary>
    public static void PackB(float* b, bool transB, int n, int k, int depth0, int depth, int col0, int cols, int nr, int width, float* dst)
    {
        for (int jr = 0; jr < cols; jr += nr)
        {
            int valid = Math.Min(nr, cols - jr);
            if (transB)
            {
                // op(B)(p, j) = B[j, p]: stored rows become the sliver's columns.
                Transpose(b + ((nint)(col0 + jr) * k) + depth0, k, valid, depth, dst, nr);
                dst += (nint)depth * nr;
            }
            else
            {
                float* src = b + ((nint)depth0 * n) + col0 + jr;
                for (int p = 0; p < depth; p++)
                {
                    CopyPadded(src, dst, valid, nr, width);
                    src += n;
                    dst += nr;
                }
            }
        }
    }

    /// <summary>
    /// src (rows, depth) with row stride ld into dst (depth, width): dst[p * width + i] = src[i * ld + p], and zeros in
    /// columns [rows, width). Four rows by four depths at a time through SSE shuffles (a 4x4 transpose in registers).
    /// </summary>
    internal static void Transpose(float* src, nint ld, int rows, int depth, float* dst, int width)
    {
        int i = 0;
        if (Sse.IsSupported)
        {
            for (; i <= rows - 4; i += 4)
            {
                float* s0 = src + (i * ld), s1 = s0 + ld, s2 = s1 + ld, s3 = s2 + ld;
                float* d = dst + i;
                int p = 0;
                for (; p <= depth - 4; p += 4)
                {
                    Vector128<float> r0 = Sse.LoadVector128(s0 + p), r1 = Sse.LoadVector128(s1 + p);
                    Vector128<float> r2 = Sse.LoadVector128(s2 + p), r3 = Sse.LoadVector128(s3 + p);
                    Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackHigh(r0, r1);
                    Vector128<float> t2 = Sse.UnpackLow(r2, r3), t3 = Sse.UnpackHigh(r2, r3);
                    float* row = d + ((nint)p * width);
                    Sse.Store(row, Sse.MoveLowToHigh(t0, t2));
                    Sse.Store(row + width, Sse.MoveHighToLow(t2, t0));
                    Sse.Store(row + (2 * width), Sse.MoveLowToHigh(t1, t3));
                    Sse.Store(row + (3 * width), Sse.MoveHighToLow(t3, t1));
                }

                for (; p < depth; p++)
                {
                    float* row = d + ((nint)p * width);
                    row[0] = s0[p];
                    row[1] = s1[p];
                    row[2] = s2[p];
                    row[3] = s3[p];
                }
            }
        }

        for (; i < rows; i++)
        {
            float* s = src + (i * ld);
            float* d = dst + i;
            for (int p = 0; p < depth; p++)
            {
                d[(nint)p * width] = s[p];
            }
        }

        if (rows < width)
        {
            for (int p = 0; p < depth; p++)
            {
                new Span<float>(dst + ((nint)p * width) + rows, width - rows).Clear();
            }
        }
    }

    /// <summary>
    /// dst[0, padded) = src[0, count) followed by zeros, in vectors of at most <paramref name="width"/> bits; a run
    /// of four or more ends with one vector overlapping the last, so six floats take two 128-bit moves, not six.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyPadded(float* src, float* dst, int count, int padded, int width)
    {
        int i = 0;
        if (width >= 512 && Vector512.IsHardwareAccelerated)
        {
            for (; i <= count - 16; i += 16)
            {
                Vector512.Store(Vector512.Load(src + i), dst + i);
            }
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - 8; i += 8)
            {
                Vector256.Store(Vector256.Load(src + i), dst + i);
            }
        }

        if (width >= 128 && Vector128.IsHardwareAccelerated && count >= 4)
        {
            for (; i <= count - 4; i += 4)
            {
                Vector128.Store(Vector128.Load(src + i), dst + i);
            }

            if (i < count)
            {
                Vector128.Store(Vector128.Load(src + count - 4), dst + count - 4);
                i = count;
            }
        }

        for (; i < count; i++)
        {
            dst[i] = src[i];
        }

        for (; i < padded; i++)
        {
            dst[i] = 0f;
        }
    }
}
