using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// The AVX-512 register block: a (12, 32) tile of C held in 24 zmm accumulators, fed per k by two loads of
/// the packed B sliver and twelve broadcasts of the packed A sliver. 24 + 2 + 1 registers fit the 32 zmm.
/// </summary>
internal static unsafe class MicroKernel512
{
    /// <summary>Rows of the tile.</summary>
    public const int MR = 12;

    /// <summary>Columns of the tile.</summary>
    public const int NR = 32;

    /// <summary>
    /// a (kc, MR) packed, or read in place with row stride lda (A^T of a transposed product), b (kc, NR) with row stride ldb (NR when packed), c (MR, NR) with row stride ldc:
    /// c = alpha * (a^T b) + beta * c, where beta = 0 never reads c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta, nint lda = MR)
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default, c6a = default, c6b = default, c7a = default, c7b = default, c8a = default, c8b = default, c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;
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
            s = Vector512.Create(a[8]);
            c8a = Vector512.FusedMultiplyAdd(s, b0, c8a);
            c8b = Vector512.FusedMultiplyAdd(s, b1, c8b);
            s = Vector512.Create(a[9]);
            c9a = Vector512.FusedMultiplyAdd(s, b0, c9a);
            c9b = Vector512.FusedMultiplyAdd(s, b1, c9b);
            s = Vector512.Create(a[10]);
            c10a = Vector512.FusedMultiplyAdd(s, b0, c10a);
            c10b = Vector512.FusedMultiplyAdd(s, b1, c10b);
            s = Vector512.Create(a[11]);
            c11a = Vector512.FusedMultiplyAdd(s, b0, c11a);
            c11b = Vector512.FusedMultiplyAdd(s, b1, c11b);
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
        Store(c + 8 * ldc, alpha, beta, c8a, c8b);
        Store(c + 9 * ldc, alpha, beta, c9a, c9b);
        Store(c + 10 * ldc, alpha, beta, c10a, c10b);
        Store(c + 11 * ldc, alpha, beta, c11a, c11b);
    }

    /// <summary>
    /// a (MR, kc) read in place, row i at a + i * lda; b (kc, NR) with row stride ldb; c (MR, NR) with row stride ldc:
    /// c = a b + beta * c, where beta = 0 never reads c. Rows come from four bases three rows apart (lda and 2 lda
    /// as the index), so the addresses stay in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunStridedA(int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float beta)
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default, c6a = default, c6b = default, c7a = default, c7b = default, c8a = default, c8b = default, c9a = default, c9b = default, c10a = default, c10b = default, c11a = default, c11b = default;
        Vector512<float> s;
        nint lda2 = 2 * lda;
        float* a0 = a, a3 = a + (3 * lda), a6 = a + (6 * lda), a9 = a + (9 * lda);
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            s = Vector512.Create(a0[0]);
            c0a = Vector512.FusedMultiplyAdd(s, b0, c0a);
            c0b = Vector512.FusedMultiplyAdd(s, b1, c0b);
            s = Vector512.Create(a0[lda]);
            c1a = Vector512.FusedMultiplyAdd(s, b0, c1a);
            c1b = Vector512.FusedMultiplyAdd(s, b1, c1b);
            s = Vector512.Create(a0[lda2]);
            c2a = Vector512.FusedMultiplyAdd(s, b0, c2a);
            c2b = Vector512.FusedMultiplyAdd(s, b1, c2b);
            s = Vector512.Create(a3[0]);
            c3a = Vector512.FusedMultiplyAdd(s, b0, c3a);
            c3b = Vector512.FusedMultiplyAdd(s, b1, c3b);
            s = Vector512.Create(a3[lda]);
            c4a = Vector512.FusedMultiplyAdd(s, b0, c4a);
            c4b = Vector512.FusedMultiplyAdd(s, b1, c4b);
            s = Vector512.Create(a3[lda2]);
            c5a = Vector512.FusedMultiplyAdd(s, b0, c5a);
            c5b = Vector512.FusedMultiplyAdd(s, b1, c5b);
            s = Vector512.Create(a6[0]);
            c6a = Vector512.FusedMultiplyAdd(s, b0, c6a);
            c6b = Vector512.FusedMultiplyAdd(s, b1, c6b);
            s = Vector512.Create(a6[lda]);
            c7a = Vector512.FusedMultiplyAdd(s, b0, c7a);
            c7b = Vector512.FusedMultiplyAdd(s, b1, c7b);
            s = Vector512.Create(a6[lda2]);
            c8a = Vector512.FusedMultiplyAdd(s, b0, c8a);
            c8b = Vector512.FusedMultiplyAdd(s, b1, c8b);
            s = Vector512.Create(a9[0]);
            c9a = Vector512.FusedMultiplyAdd(s, b0, c9a);
            c9b = Vector512.FusedMultiplyAdd(s, b1, c9b);
            s = Vector512.Create(a9[lda]);
            c10a = Vector512.FusedMultiplyAdd(s, b0, c10a);
            c10b = Vector512.FusedMultiplyAdd(s, b1, c10b);
            s = Vector512.Create(a9[lda2]);
            c11a = Vector512.FusedMultiplyAdd(s, b0, c11a);
            c11b = Vector512.FusedMultiplyAdd(s, b1, c11b);
            a0++;
            a3++;
            a6++;
            a9++;
            b += ldb;
        }

        Store(c + 0 * ldc, 1f, beta, c0a, c0b);
        Store(c + 1 * ldc, 1f, beta, c1a, c1b);
        Store(c + 2 * ldc, 1f, beta, c2a, c2b);
        Store(c + 3 * ldc, 1f, beta, c3a, c3b);
        Store(c + 4 * ldc, 1f, beta, c4a, c4b);
        Store(c + 5 * ldc, 1f, beta, c5a, c5b);
        Store(c + 6 * ldc, 1f, beta, c6a, c6b);
        Store(c + 7 * ldc, 1f, beta, c7a, c7b);
        Store(c + 8 * ldc, 1f, beta, c8a, c8b);
        Store(c + 9 * ldc, 1f, beta, c9a, c9b);
        Store(c + 10 * ldc, 1f, beta, c10a, c10b);
        Store(c + 11 * ldc, 1f, beta, c11a, c11b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float alpha, float beta, Vector512<float> x, Vector512<float> y)
    {
        // Multiply then add, never fused, so the scalar edge write-back gives the same bits.
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
