using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// The AVX2 register block, used when Vector512 is not accelerated: a (6, 16) tile of C in 12 ymm
/// accumulators, 12 + 2 + 1 of the 16 ymm registers.
/// </summary>
internal static unsafe class MicroKernel256
{
    /// <summary>Rows of the tile.</summary>
    public const int MR = 6;

    /// <summary>Columns of the tile.</summary>
    public const int NR = 16;

    /// <summary>
    /// a (kc, MR) packed, or read in place with row stride lda (A^T of a transposed product), b (kc, NR) with row stride ldb (NR when packed), c (MR, NR) with row stride ldc:
    /// c = alpha * (a^T b) + beta * c, where beta = 0 never reads c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta, nint lda = MR)
    {
        Vector256<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector256<float> s;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            s = Vector256.Create(a[0]);
            c0a = Vector256.FusedMultiplyAdd(s, b0, c0a);
            c0b = Vector256.FusedMultiplyAdd(s, b1, c0b);
            s = Vector256.Create(a[1]);
            c1a = Vector256.FusedMultiplyAdd(s, b0, c1a);
            c1b = Vector256.FusedMultiplyAdd(s, b1, c1b);
            s = Vector256.Create(a[2]);
            c2a = Vector256.FusedMultiplyAdd(s, b0, c2a);
            c2b = Vector256.FusedMultiplyAdd(s, b1, c2b);
            s = Vector256.Create(a[3]);
            c3a = Vector256.FusedMultiplyAdd(s, b0, c3a);
            c3b = Vector256.FusedMultiplyAdd(s, b1, c3b);
            s = Vector256.Create(a[4]);
            c4a = Vector256.FusedMultiplyAdd(s, b0, c4a);
            c4b = Vector256.FusedMultiplyAdd(s, b1, c4b);
            s = Vector256.Create(a[5]);
            c5a = Vector256.FusedMultiplyAdd(s, b0, c5a);
            c5b = Vector256.FusedMultiplyAdd(s, b1, c5b);
            a += lda;
            b += ldb;
        }

        Store(c + 0 * ldc, alpha, beta, c0a, c0b);
        Store(c + 1 * ldc, alpha, beta, c1a, c1b);
        Store(c + 2 * ldc, alpha, beta, c2a, c2b);
        Store(c + 3 * ldc, alpha, beta, c3a, c3b);
        Store(c + 4 * ldc, alpha, beta, c4a, c4b);
        Store(c + 5 * ldc, alpha, beta, c5a, c5b);
    }

    /// <summary>
    /// a (MR, kc) read in place, row i at a + i * lda; b (kc, NR) with row stride ldb; c (MR, NR) with row stride ldc:
    /// c = a b + beta * c, where beta = 0 never reads c. Rows from two bases three rows apart, lda and 2 lda as the index.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunStridedA(int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float beta)
    {
        Vector256<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector256<float> s;
        nint lda2 = 2 * lda;
        float* a0 = a, a3 = a + (3 * lda);
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            s = Vector256.Create(a0[0]);
            c0a = Vector256.FusedMultiplyAdd(s, b0, c0a);
            c0b = Vector256.FusedMultiplyAdd(s, b1, c0b);
            s = Vector256.Create(a0[lda]);
            c1a = Vector256.FusedMultiplyAdd(s, b0, c1a);
            c1b = Vector256.FusedMultiplyAdd(s, b1, c1b);
            s = Vector256.Create(a0[lda2]);
            c2a = Vector256.FusedMultiplyAdd(s, b0, c2a);
            c2b = Vector256.FusedMultiplyAdd(s, b1, c2b);
            s = Vector256.Create(a3[0]);
            c3a = Vector256.FusedMultiplyAdd(s, b0, c3a);
            c3b = Vector256.FusedMultiplyAdd(s, b1, c3b);
            s = Vector256.Create(a3[lda]);
            c4a = Vector256.FusedMultiplyAdd(s, b0, c4a);
            c4b = Vector256.FusedMultiplyAdd(s, b1, c4b);
            s = Vector256.Create(a3[lda2]);
            c5a = Vector256.FusedMultiplyAdd(s, b0, c5a);
            c5b = Vector256.FusedMultiplyAdd(s, b1, c5b);
            a0++;
            a3++;
            b += ldb;
        }

        Store(c + 0 * ldc, 1f, beta, c0a, c0b);
        Store(c + 1 * ldc, 1f, beta, c1a, c1b);
        Store(c + 2 * ldc, 1f, beta, c2a, c2b);
        Store(c + 3 * ldc, 1f, beta, c3a, c3b);
        Store(c + 4 * ldc, 1f, beta, c4a, c4b);
        Store(c + 5 * ldc, 1f, beta, c5a, c5b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float alpha, float beta, Vector256<float> x, Vector256<float> y)
    {
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            (x * va).Store(c);
            (y * va).Store(c + 8);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            ((x * va) + (Vector256.Load(c) * vb)).Store(c);
            ((y * va) + (Vector256.Load(c + 8) * vb)).Store(c + 8);
        }
    }
}
