using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// The short AVX-512 register block: an (8, 32) tile of C in 16 zmm accumulators, fed per k by two loads of the
/// packed B sliver and eight broadcasts of the packed A sliver. It covers row counts that are multiples of 8 but
/// not of 12 (64 filters: 64 rows, where the (12, 32) block would sweep 72) and gives the same bits as
/// <see cref="MicroKernel512"/>: every element is the same chain of fused multiply-adds over k, then the same store.
/// </summary>
internal static unsafe class MicroKernel512x8
{
    /// <summary>Rows of the tile.</summary>
    public const int MR = 8;

    /// <summary>Columns of the tile.</summary>
    public const int NR = 32;

    /// <summary>
    /// a (kc, MR) packed, or read in place with row stride lda (A^T of a transposed product), b (kc, NR) with row stride ldb (NR when packed), c (MR, NR) with row stride ldc:
    /// c = alpha * (a^T b) + beta * c, where beta = 0 never reads c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta, nint lda = MR)
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default, c6a = default, c6b = default, c7a = default, c7b = default;
        Vector512<float> s;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            s = Vector512.Create(a[0]);
            c0a = Vector512.FusedMultiplyAdd(s, b0, c0a);
            c0b = Vector512.FusedMultiplyAdd(s, b1, c0b);
            s = Vector512.Create(a[1]);
            c1a = Vector512.FusedMultiplyAdd(s, b0, c1a);
            c1b = Vector512.FusedMultiplyAdd(s, b1, c1b);
            s = Vector512.Create(a[2]);
            c2a = Vector512.FusedMultiplyAdd(s, b0, c2a);
            c2b = Vector512.FusedMultiplyAdd(s, b1, c2b);
            s = Vector512.Create(a[3]);
            c3a = Vector512.FusedMultiplyAdd(s, b0, c3a);
            c3b = Vector512.FusedMultiplyAdd(s, b1, c3b);
            s = Vector512.Create(a[4]);
            c4a = Vector512.FusedMultiplyAdd(s, b0, c4a);
            c4b = Vector512.FusedMultiplyAdd(s, b1, c4b);
            s = Vector512.Create(a[5]);
            c5a = Vector512.FusedMultiplyAdd(s, b0, c5a);
            c5b = Vector512.FusedMultiplyAdd(s, b1, c5b);
            s = Vector512.Create(a[6]);
            c6a = Vector512.FusedMultiplyAdd(s, b0, c6a);
            c6b = Vector512.FusedMultiplyAdd(s, b1, c6b);
            s = Vector512.Create(a[7]);
            c7a = Vector512.FusedMultiplyAdd(s, b0, c7a);
            c7b = Vector512.FusedMultiplyAdd(s, b1, c7b);
            a += lda;
            b += ldb;
        }

        Store(c + 0 * ldc, alpha, beta, c0a, c0b);
        Store(c + 1 * ldc, alpha, beta, c1a, c1b);
        Store(c + 2 * ldc, alpha, beta, c2a, c2b);
        Store(c + 3 * ldc, alpha, beta, c3a, c3b);
        Store(c + 4 * ldc, alpha, beta, c4a, c4b);
        Store(c + 5 * ldc, alpha, beta, c5a, c5b);
        Store(c + 6 * ldc, alpha, beta, c6a, c6b);
        Store(c + 7 * ldc, alpha, beta, c7a, c7b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float alpha, float beta, Vector512<float> x, Vector512<float> y)
    {
        // Multiply then add, never fused, as MicroKernel512 and the edge write-back do.
        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            (x * va).Store(c);
            (y * va).Store(c + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            ((x * va) + (Vector512.Load(c) * vb)).Store(c);
            ((y * va) + (Vector512.Load(c + 16) * vb)).Store(c + 16);
        }
    }
}
