using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// Many independent small products (attention's Q K^T and P V per sample and head): each product runs whole on one
/// thread through the packed GEMM's packers and micro-kernels, and the pool splits the products into contiguous
/// ranges, so a product's bits never depend on the thread count. A product is blocked as <see cref="GemmCpu"/> blocks
/// it (the same depth blocks of 256, register tiles and edge write-back; small M or N go to <see cref="GemmDirect"/>),
/// so it also matches <see cref="GemmCpu.Run"/> bit for bit; only the panel sizes, which change no sum, are smaller.
/// A few large products go to <see cref="GemmCpu.Run"/> one by one, which splits each over the pool instead.
/// </summary>
internal sealed unsafe class BatchedGemmCpu : IParallelJob
{
    /// <summary>Depth of a packed block: must stay <see cref="GemmCpu"/>'s, which fixes the order of every sum.</summary>
    private const int KC = 256;

    /// <summary>Rows of C at or below which the direct path wins, as in <see cref="GemmCpu"/>.</summary>
    private const int DirectLimit = 4;

    /// <summary>Register tiles per packed A block (rows) and B panel (columns).</summary>
    private const int BlockTiles = 20, PanelTiles = 16;

    /// <summary>Multiply-adds of one product from which a lone product is better split by <see cref="GemmCpu.Run"/>.</summary>
    private const long LargeProduct = 1L << 20;

    /// <summary>Multiply-adds of a whole call below which it runs on the calling thread.</summary>
    private const long ParallelThreshold = 1L << 17;

    private readonly GemmCpu _gemm;
    private readonly GemmWorkspace[] _workspaces;

    // The call in flight, read by the pool's workers.
    private bool _transA, _transB;
    private int _count, _m, _n, _k, _width;
    private float _alpha, _beta;
    private float* _a, _b, _c;
    private nint _strideA, _strideB, _strideC;

    /// <summary>Creates the batched product with packing scratch per thread of <paramref name="gemm"/>'s pool.</summary>
    public BatchedGemmCpu(GemmCpu gemm)
    {
        _gemm = gemm;
        int widest = SimdWidth.Hardware;
        int packA = GemmCpu.TileRows(widest, 0) * BlockTiles * KC, packB = KC * GemmCpu.TileColumns(widest) * PanelTiles;
        _workspaces = new GemmWorkspace[gemm.Threads];
        for (int t = 0; t < _workspaces.Length; t++)
        {
            _workspaces[t] = new GemmWorkspace(packA, packB, MicroKernel512.MR * MicroKernel512.NR);
        }
    }

    /// <summary>C_i (M, N) = alpha op(A_i) op(B_i) + beta C_i for i in [0, count), A_i at a + i strideA, and so on.</summary>
    public void Run(bool transA, bool transB, int count, int m, int n, int k, float alpha,
        float* a, nint strideA, float* b, nint strideB, float beta, float* c, nint strideC)
    {
        if (count == 0 || m == 0 || n == 0)
        {
            return;
        }

        long work = (long)m * n * k;
        if (count < _gemm.Threads && work >= LargeProduct)
        {
            for (int i = 0; i < count; i++)
            {
                _gemm.Run(transA, transB, m, n, k, alpha, a + (i * strideA), b + (i * strideB), beta, c + (i * strideC));
            }

            return;
        }

        _transA = transA;
        _transB = transB;
        _count = count;
        _m = m;
        _n = n;
        _k = k;
        _alpha = alpha;
        _beta = beta;
        _a = a;
        _b = b;
        _c = c;
        _strideA = strideA;
        _strideB = strideB;
        _strideC = strideC;
        _width = SimdWidth.Current;
        int parts = work * count >= ParallelThreshold ? Math.Min(_gemm.Threads, count) : 1;
        if (parts <= 1)
        {
            Execute(0, 1);
        }
        else
        {
            _gemm.Parallel(this, parts);
        }

        _a = _b = _c = null;
    }

    /// <inheritdoc/>
    public void Execute(int part, int parts)
    {
        GemmWorkspace workspace = _workspaces[part];
        int first = (int)((long)_count * part / parts), last = (int)((long)_count * (part + 1) / parts);
        for (int i = first; i < last; i++)
        {
            Product(workspace, _width, _transA, _transB, _m, _n, _k, _alpha, _a + (i * _strideA), _b + (i * _strideB), _beta, _c + (i * _strideC));
        }
    }

    /// <summary>One product on the calling thread, blocked as <see cref="GemmCpu"/> blocks it.</summary>
    private static void Product(GemmWorkspace workspace, int width, bool transA, bool transB, int m, int n, int k,
        float alpha, float* a, float* b, float beta, float* c)
    {
        if (k == 0)
        {
            var span = new Span<float>(c, m * n);
            if (beta == 0f)
            {
                span.Clear();
            }
            else
            {
                System.Numerics.Tensors.TensorPrimitives.Multiply(span, beta, span);
            }

            return;
        }

        if (m <= DirectLimit || n <= DirectLimit)
        {
            GemmDirect.Run(width, transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }

        int mr = GemmCpu.TileRows(width, m), nr = GemmCpu.TileColumns(width);
        int mcMax = mr * BlockTiles, ncMax = nr * PanelTiles;
        float* tile = workspace.Tile;
        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);

                // Later depth blocks add onto what the first one wrote.
                float blockBeta = pc == 0 ? beta : 1f;

                // An untransposed B is read in place, as GemmCpu.RunPrepacked reads it: each full (kc, NR) sliver with
                // B's row stride (attention's v, k and q blocks are rows of a few dozen floats, so packing them was a
                // copy of the whole operand per product for nothing); only a ragged last sliver is packed, zero-padded,
                // so no load runs past B. The sums are the same, so are the bits.
                int full = transB ? 0 : nc / nr * nr;
                if (full < nc)
                {
                    GemmPacking.PackB(b, transB, n, k, pc, kc, jc + full, nc - full, nr, width, workspace.PackB);
                }

                for (int ic = 0; ic < m; ic += mcMax)
                {
                    int mc = Math.Min(mcMax, m - ic);

                    // A transposed, stored (K, M), is read in place as GemmCpu reads it: full slivers with row stride M,
                    // only a ragged last one packed.
                    int aFull = transA ? mc / mr * mr : 0;
                    if (aFull < mc)
                    {
                        GemmPacking.PackA(a, transA, m, k, ic + aFull, mc - aFull, pc, kc, mr, width, workspace.PackA);
                    }

                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        bool inPlace = jr < full;
                        float* bSliver = inPlace ? b + ((nint)pc * n) + jc + jr : workspace.PackB + ((nint)(jr - full) * kc);
                        nint ldb = inPlace ? n : nr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            bool aInPlace = ir < aFull;
                            float* aSliver = aInPlace ? a + ((nint)pc * m) + ic + ir : workspace.PackA + ((nint)(ir - aFull) * kc);
                            nint lda = aInPlace ? m : mr;
                            float* cTile = c + ((nint)(ic + ir) * n) + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                GemmCpu.Micro(width, mr, kc, aSliver, bSliver, ldb, cTile, n, alpha, blockBeta, lda);
                            }
                            else
                            {
                                GemmCpu.Micro(width, mr, kc, aSliver, bSliver, ldb, tile, nr, 1f, 0f, lda);
                                GemmCpu.WriteEdge(width, tile, nr, cTile, n, rows, cols, alpha, blockBeta);
                            }
                        }
                    }
                }
            }
        }
    }
}
