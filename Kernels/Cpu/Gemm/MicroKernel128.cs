using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// The 128-bit register block (SSE on x64 without AVX2, NEON on ARM64): a (6, 8) tile of C in 12 accumulators,
/// 12 + 2 + 1 of the 16 xmm registers (and one for the product where there is no FMA). Multiply-adds are
/// <c>Vector128.MultiplyAddEstimate</c>: fused where the hardware has FMA, a multiply and an add where it
/// has not (<c>Vector128.FusedMultiplyAdd</c> would then be an exact software emulation, ~100x slower).
/// </summary>
internal static unsafe class MicroKernel128
{
    /// <summary>Rows of the tile.</summary>
    public const int MR = 6;

    /// <summary>Columns of the tile.</summary>
    public const int NR = 8;

    /// <summary>
    /// a (kc, MR) packed, or read in place with row stride lda (A^T of a transposed product), b (kc, NR) with row stride ldb (NR when packed), c (MR, NR) with row stride ldc:
    /// c = alpha * (a^T b) + beta * c, where beta = 0 never reads c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta, nint lda = MR)
    {
        Vector128<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector128<float> s;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            s = Broadcast(a);
            c0a = Vector128.MultiplyAddEstimate(s, b0, c0a);
            c0b = Vector128.MultiplyAddEstimate(s, b1, c0b);
            s = Broadcast(a + 1);
            c1a = Vector128.MultiplyAddEstimate(s, b0, c1a);
            c1b = Vector128.MultiplyAddEstimate(s, b1, c1b);
            s = Broadcast(a + 2);
            c2a = Vector128.MultiplyAddEstimate(s, b0, c2a);
            c2b = Vector128.MultiplyAddEstimate(s, b1, c2b);
            s = Broadcast(a + 3);
            c3a = Vector128.MultiplyAddEstimate(s, b0, c3a);
            c3b = Vector128.MultiplyAddEstimate(s, b1, c3b);
            s = Broadcast(a + 4);
            c4a = Vector128.MultiplyAddEstimate(s, b0, c4a);
            c4b = Vector128.MultiplyAddEstimate(s, b1, c4b);
            s = Broadcast(a + 5);
            c5a = Vector128.MultiplyAddEstimate(s, b0, c5a);
            c5b = Vector128.MultiplyAddEstimate(s, b1, c5b);
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
        Vector128<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default, c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector128<float> s;
        nint lda2 = 2 * lda;
        float* a0 = a, a3 = a + (3 * lda);
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            s = Broadcast(a0);
            c0a = Vector128.MultiplyAddEstimate(s, b0, c0a);
            c0b = Vector128.MultiplyAddEstimate(s, b1, c0b);
            s = Broadcast(a0 + lda);
            c1a = Vector128.MultiplyAddEstimate(s, b0, c1a);
            c1b = Vector128.MultiplyAddEstimate(s, b1, c1b);
            s = Broadcast(a0 + lda2);
            c2a = Vector128.MultiplyAddEstimate(s, b0, c2a);
            c2b = Vector128.MultiplyAddEstimate(s, b1, c2b);
            s = Broadcast(a3);
            c3a = Vector128.MultiplyAddEstimate(s, b0, c3a);
            c3b = Vector128.MultiplyAddEstimate(s, b1, c3b);
            s = Broadcast(a3 + lda);
            c4a = Vector128.MultiplyAddEstimate(s, b0, c4a);
            c4b = Vector128.MultiplyAddEstimate(s, b1, c4b);
            s = Broadcast(a3 + lda2);
            c5a = Vector128.MultiplyAddEstimate(s, b0, c5a);
            c5b = Vector128.MultiplyAddEstimate(s, b1, c5b);
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

    /// <summary>
    /// One float in every lane: with AVX a single load (vbroadcastss; the JIT makes Vector128.Create of a float a
    /// load and a shuffle, and the shuffles were the bottleneck: 37 GFLOP/s), NEON's ld1r, or a load and a shuffle.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<float> Broadcast(float* at) => Avx.IsSupported ? Avx.BroadcastScalarToVector128(at) : Vector128.Create(*at);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, float alpha, float beta, Vector128<float> x, Vector128<float> y)
    {
        Vector128<float> va = Vector128.Create(alpha);
        if (beta == 0f)
        {
            (x * va).Store(c);
            (y * va).Store(c + 4);
        }
        else
        {
            Vector128<float> vb = Vector128.Create(beta);
            ((x * va) + (Vector128.Load(c) * vb)).Store(c);
            ((y * va) + (Vector128.Load(c + 4) * vb)).Store(c + 4);
        }
    }
}
