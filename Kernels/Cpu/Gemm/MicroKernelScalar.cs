namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>The portable register block, the reference and last resort where no SIMD is accelerated (or width 1 is forced): a (4, 4) tile of C.</summary>
internal static unsafe class MicroKernelScalar
{
    /// <summary>Rows of the tile.</summary>
    public const int MR = 4;

    /// <summary>Columns of the tile.</summary>
    public const int NR = 4;

    /// <summary>
    /// a (kc, MR) packed, or read in place with row stride lda (A^T of a transposed product), b (kc, NR) with row stride ldb (NR when packed), c (MR, NR) with row stride ldc:
    /// c = alpha * (a^T b) + beta * c, where beta = 0 never reads c.
    /// </summary>
    public static void Run(int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta, nint lda = MR)
    {
        float* acc = stackalloc float[MR * NR];
        for (int i = 0; i < MR * NR; i++)
        {
            acc[i] = 0f;
        }

        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < MR; i++)
            {
                float ai = a[i];
                for (int j = 0; j < NR; j++)
                {
                    acc[i * NR + j] = MathF.FusedMultiplyAdd(ai, b[j], acc[i * NR + j]);
                }
            }

            a += lda;
            b += ldb;
        }

        for (int i = 0; i < MR; i++)
        {
            float* row = c + i * ldc;
            for (int j = 0; j < NR; j++)
            {
                row[j] = beta == 0f ? acc[i * NR + j] * alpha : (acc[i * NR + j] * alpha) + (row[j] * beta);
            }
        }
    }

    /// <summary>
    /// a (MR, kc) read in place, row i at a + i * lda; b (kc, NR) with row stride ldb; c (MR, NR) with row stride ldc:
    /// c = a b + beta * c, where beta = 0 never reads c.
    /// </summary>
    public static void RunStridedA(int kc, float* a, nint lda, float* b, nint ldb, float* c, nint ldc, float beta)
    {
        float* acc = stackalloc float[MR * NR];
        for (int i = 0; i < MR * NR; i++)
        {
            acc[i] = 0f;
        }

        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < MR; i++)
            {
                float ai = a[(i * lda) + p];
                for (int j = 0; j < NR; j++)
                {
                    acc[i * NR + j] = MathF.FusedMultiplyAdd(ai, b[j], acc[i * NR + j]);
                }
            }

            b += ldb;
        }

        for (int i = 0; i < MR; i++)
        {
            float* row = c + i * ldc;
            for (int j = 0; j < NR; j++)
            {
                row[j] = beta == 0f ? acc[i * NR + j] : acc[i * NR + j] + row[j];
            }
        }
    }
}
