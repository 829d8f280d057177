using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Gemm;

/// <summary>
/// The packed, blocked GEMM (BLIS loop order): for each (KC, NC) panel of op(B), packed once, and each
/// (MC, KC) block of op(A), packed once, the micro-kernel sweeps (MR, NR) tiles of C with the B sliver
/// in L1 and the A block in L2. A transposed A (a weight gradient's dY^T, stored (K, M)) is not packed: each depth of
/// a sliver is already MR contiguous floats, so the micro-kernel reads full slivers in place with row stride M. Large products are split over the worker pool by disjoint strips of whole
/// tiles of C; every element of C sees the same KC blocks in the same order whatever the split, so the
/// result is bitwise independent of the thread count. The register block follows the calling thread's
/// <see cref="SimdWidth.Current"/>: (12, 32) or (8, 32) at 512 bits, (6, 16) at 256, (6, 8) at 128, (4, 4) scalar;
/// each product reads it once on the caller and its parts on the pool use the same.
/// </summary>
internal sealed unsafe class GemmCpu : IParallelJob, IDisposable
{
    /// <summary>Depth of a packed block: a (KC, NR) sliver of B is 32 KB and stays in L1.</summary>
    private const int KC = 256;

    /// <summary>Products with fewer multiply-adds than this run on the calling thread.</summary>
    private const long ParallelThreshold = 1L << 20;

    /// <summary>Rows or columns of C at or below which the direct (unpacked) path wins.</summary>
    private const int DirectLimit = 4;

    private readonly GemmWorkspace[] _workspaces;
    private readonly WorkerPool? _pool;
    private readonly AccumulateJob _accumulateJob;

    // Capacities of each workspace's A block and B panel, sized for the hardware's widest register block.
    private readonly int _packACapacity, _packBCapacity;

    // One operand packed whole by PrepackA and reused across many products (a convolution's weight), with the
    // width and rows of the register block it was packed for.
    private readonly GemmWorkspace _prepacked;
    private int _prepackedRows, _prepackedWidth;

    // The product in flight, read by the pool's workers: its width and blocking, operands and sizes.
    private int _width, _nr, _mc, _nc;
    private bool _transA, _transB, _splitRows;
    private int _m, _n, _k, _tileRows;
    private float _alpha, _beta;
    private float* _a, _b, _c;
    private nint _ldaStrided, _ldbStrided;

    /// <summary>Creates the GEMM with its packing scratch for <paramref name="threads"/> threads.</summary>
    public GemmCpu(int threads)
    {
        // The widest block has the largest MC x KC and KC x NC, so its sizes hold every narrower one's.
        int widest = SimdWidth.Hardware;
        (_packACapacity, _packBCapacity) = (BlockRows(widest) * KC, KC * PanelColumns(widest));
        _workspaces = new GemmWorkspace[threads];
        for (int t = 0; t < threads; t++)
        {
            _workspaces[t] = new GemmWorkspace(_packACapacity, _packBCapacity, MaxTile);
        }

        _prepacked = new GemmWorkspace(_packACapacity, 0, 0);
        _accumulateJob = new AccumulateJob(this);
        _pool = threads > 1 ? new WorkerPool(threads - 1) : null;
    }

    /// <summary>Floats of the largest register block, (12, 32): the edge tile's size.</summary>
    private const int MaxTile = MicroKernel512.MR * MicroKernel512.NR;

    /// <summary>Forces the rows of the register block on this thread (8 or 12 with AVX-512); 0 picks by M. For tests.</summary>
    [ThreadStatic]
    internal static int ForcedTileRows;

    /// <summary>Which micro-kernel runs on the calling thread (its <see cref="SimdWidth.Current"/>), for the back end's name.</summary>
    public string KernelName => SimdWidth.Describe(SimdWidth.Current);

    /// <summary>C (M, N) = alpha * op(A) (M, K) * op(B) (K, N) + beta * C, row-major.</summary>
    public void Run(bool transA, bool transB, int m, int n, int k, float alpha, float* a, float* b, float beta, float* c)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            ScaleOnly(m * n, beta, c);
            return;
        }

        int width = SimdWidth.Current;
        if (m <= DirectLimit || n <= DirectLimit)
        {
            GemmDirect.Run(width, transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }

        (_transA, _transB, _m, _n, _k, _alpha, _beta) = (transA, transB, m, n, k, alpha, beta);
        (_width, _nr, _mc, _nc) = (width, TileColumns(width), BlockRows(width), PanelColumns(width));
        _tileRows = TileRows(width, m);
        _a = a;
        _b = b;
        _c = c;
        int parts = 1;
        if (_pool is not null && (long)m * n * k >= ParallelThreshold)
        {
            int rowTiles = (m + _tileRows - 1) / _tileRows, colTiles = (n + _nr - 1) / _nr;
            _splitRows = rowTiles >= colTiles;
            parts = Math.Min(_pool.Capacity, _splitRows ? rowTiles : colTiles);
        }

        if (parts <= 1)
        {
            Blocked(_workspaces[0], 0, m, 0, n);
        }
        else
        {
            _pool!.Run(this, parts);
        }

        _a = _b = _c = null;
    }

    /// <summary>Threads a job may be split over: the pool's workers plus the calling thread.</summary>
    internal int Threads => _workspaces.Length;

    /// <summary>
    /// Runs <paramref name="parts"/> parts of a caller's job on the pool; part t may use workspace t through
    /// <see cref="RunPrepacked"/>. Not while a product of this GEMM is in flight.
    /// </summary>
    internal void Parallel(IParallelJob job, int parts)
    {
        if (_pool is null || parts <= 1)
        {
            for (int part = 0; part < parts; part++)
            {
                job.Execute(part, parts);
            }

            return;
        }

        _pool.Run(job, parts);
    }

    /// <summary>Whether op(A) (M, K) fits the prepacked buffer whole, packed for the calling thread's width.</summary>
    internal bool CanPrepack(int m, int k) => (long)Padded(m, TileRows(SimdWidth.Current, m)) * k <= _packACapacity;

    /// <summary>
    /// Packs op(A) (M, K) whole, as ceil(M / MR) slivers of (K, MR) (MR as <see cref="TileRows"/> picks for M and the
    /// calling thread's width), into the prepacked buffer (see <see cref="CanPrepack"/>), for products by
    /// <see cref="RunPrepacked"/>, which use that width on whichever thread runs them; the previous prepacked operand is lost.
    /// </summary>
    internal float* PrepackA(float* a, bool transA, int m, int k)
    {
        float* dst = _prepacked.PackA;
        _prepackedWidth = SimdWidth.Current;
        _prepackedRows = TileRows(_prepackedWidth, m);
        GemmPacking.PackA(a, transA, m, k, 0, m, 0, k, _prepackedRows, _prepackedWidth, dst);
        return dst;
    }

    /// <summary>
    /// C (M, N) with row stride ldc = A (M, K), prepacked by <see cref="PrepackA"/>, times op(B) (K, N) + beta * C,
    /// on the calling thread with workspace <paramref name="part"/>. The result does not depend on which part runs
    /// it. Depths up to 1.5 KC go in one block, so C is written once. An untransposed B is not packed: the
    /// micro-kernel reads each full (KC, NR) sliver in place with B's row stride (a convolution's patches or dy are
    /// read once per row tile, from cache, so packing them was a copy for nothing); only a ragged last sliver is
    /// packed, zero-padded, so no load runs past B.
    /// </summary>
    internal void RunPrepacked(int part, float* aPacked, int m, int n, int k, bool transB, float* b, float beta, float* c, nint ldc)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        GemmWorkspace workspace = _workspaces[part];
        int width = _prepackedWidth, mr = _prepackedRows, nr = TileColumns(width);
        int kcMax = k <= KC + (KC / 2) ? k : KC;
        int ncMax = Math.Max(nr, (int)((long)KC * PanelColumns(width) / Math.Max(kcMax, 1) / nr * nr));
        for (int jc = 0; jc < n; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n - jc);
            for (int pc = 0; pc < k; pc += kcMax)
            {
                int kc = Math.Min(kcMax, k - pc);
                float blockBeta = pc == 0 ? beta : 1f;
                int full = transB ? 0 : nc / nr * nr;
                if (full < nc)
                {
                    GemmPacking.PackB(b, transB, n, k, pc, kc, jc + full, nc - full, nr, width, workspace.PackB);
                }

                for (int jr = 0; jr < nc; jr += nr)
                {
                    int cols = Math.Min(nr, nc - jr);
                    bool inPlace = jr < full;
                    float* bSliver = inPlace ? b + ((nint)pc * n) + jc + jr : workspace.PackB + ((nint)(jr - full) * kc);
                    nint ldb = inPlace ? n : nr;
                    for (int ir = 0; ir < m; ir += mr)
                    {
                        int rows = Math.Min(mr, m - ir);
                        float* aSliver = aPacked + ((nint)ir * k) + ((nint)pc * mr);
                        float* cTile = c + ((ir * ldc) + jc + jr);
                        if (rows == mr && cols == nr)
                        {
                            Micro(width, mr, kc, aSliver, bSliver, ldb, cTile, ldc, 1f, blockBeta);
                        }
                        else
                        {
                            Micro(width, mr, kc, aSliver, bSliver, ldb, workspace.Tile, nr, 1f, 0f);
                            WriteEdge(width, workspace.Tile, nr, cTile, ldc, rows, cols, 1f, blockBeta);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether <see cref="AccumulateTransposedB"/> takes a product of (M, N) by depth K at the calling thread's width:
    /// the accumulator fits the first workspace's A block, B's pack (and a ragged row tile of A) each thread's B panel.
    /// </summary>
    internal bool CanAccumulate(int m, int n, int k)
    {
        int width = SimdWidth.Current, mr = TileRows(width, 0), nr = TileColumns(width);
        return (long)Padded(m, mr) * Padded(n, nr) <= _packACapacity && ((long)k * (Padded(n, nr) + mr)) <= _packBCapacity;
    }

    /// <summary>
    /// The accumulator of <see cref="AccumulateTransposedB"/>: (M, N) rows padded to the register block, row stride
    /// <see cref="AccumulatorStride"/>. It lives in the first workspace's A block, so it survives
    /// <see cref="RunPrepacked"/> but not <see cref="Run"/>.
    /// </summary>
    internal float* Accumulator => _workspaces[0].PackA;

    /// <summary>Row stride of <see cref="Accumulator"/> for N columns, as the calling thread's width pads them.</summary>
    internal int AccumulatorStride(int n) => Padded(n, TileColumns(SimdWidth.Current));

    /// <summary>
    /// acc (M, N) = A (M, K) x B^T + (first ? 0 : acc), into <see cref="Accumulator"/> (see <see cref="CanAccumulate"/>).
    /// A is read in place, row i at a + i * lda (a convolution's patches: no transposing pack); B (N, K) with row
    /// stride ldb is packed transposed, (K, N) zero-padded to whole slivers, by each thread for its strip. Summed over
    /// calls in call order, so a batch's weight gradient takes one fixed order; row tiles are split over the threads
    /// and each element's sum is the same whichever computes it.
    /// </summary>
    internal void AccumulateTransposedB(float* a, nint lda, float* bt, nint ldb, int m, int n, int k, bool first)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        _a = a;
        _b = bt;
        (_ldaStrided, _ldbStrided, _m, _n, _k, _beta) = (lda, ldb, m, n, k, first ? 0f : 1f);
        _width = SimdWidth.Current;
        (_tileRows, _nr) = (TileRows(_width, 0), TileColumns(_width));
        int parts = 1;
        if (_pool is not null && (long)m * n * k >= ParallelThreshold)
        {
            parts = Math.Min(_pool.Capacity, (m + _tileRows - 1) / _tileRows);
        }

        Parallel(_accumulateJob, parts);
        _a = _b = null;
    }

    /// <summary>Part <paramref name="part"/> of <see cref="AccumulateTransposedB"/>: its strip of row tiles.</summary>
    private void AccumulateStrip(int part, int parts)
    {
        int m = _m, n = _n, k = _k, mr = _tileRows, nr = _nr, ldp = Padded(n, nr);
        int tiles = (m + mr - 1) / mr, t0 = tiles * part / parts, t1 = tiles * (part + 1) / parts;
        if (t0 == t1)
        {
            return;
        }

        // B^T (K, ldp): row p holds column p of B's N rows, then zeros.
        float* packed = _workspaces[part].PackB, rest = packed + ((nint)k * ldp);
        if (_width >= 256 && Avx.IsSupported)
        {
            PackTransposed(_b, _ldbStrided, n, k, packed, ldp);
        }
        else
        {
            GemmPacking.Transpose(_b, _ldbStrided, n, k, packed, ldp);
        }

        float* acc = _workspaces[0].PackA;
        for (int t = t0; t < t1; t++)
        {
            int ir = t * mr, rows = Math.Min(mr, m - ir);
            float* aTile = _a + (ir * _ldaStrided);
            nint lda = _ldaStrided;
            if (rows < mr)
            {
                // A ragged last tile: its rows copied behind the pack, zero rows below, so no load runs past A.
                for (int i = 0; i < mr; i++)
                {
                    var dst = new Span<float>(rest + ((nint)i * k), k);
                    if (i < rows)
                    {
                        new ReadOnlySpan<float>(aTile + (i * lda), k).CopyTo(dst);
                    }
                    else
                    {
                        dst.Clear();
                    }
                }

                aTile = rest;
                lda = k;
            }

            for (int jr = 0; jr < ldp; jr += nr)
            {
                float* cTile = acc + ((nint)ir * ldp) + jr;
                switch (_width)
                {
                    case 512: MicroKernel512.RunStridedA(k, aTile, lda, packed + jr, ldp, cTile, ldp, _beta); break;
                    case 256: MicroKernel256.RunStridedA(k, aTile, lda, packed + jr, ldp, cTile, ldp, _beta); break;
                    case 128: MicroKernel128.RunStridedA(k, aTile, lda, packed + jr, ldp, cTile, ldp, _beta); break;
                    default: MicroKernelScalar.RunStridedA(k, aTile, lda, packed + jr, ldp, cTile, ldp, _beta); break;
                }
            }
        }
    }

    /// <summary>
    /// dst (K, ldd) = src (N, K)^T with src's row stride lds, columns N to ldd zeroed: 8x8 blocks through AVX registers
    /// (unpack, shuffle, lane permute), the ragged rest scalar. Narrower widths use <see cref="GemmPacking.Transpose"/>.
    /// </summary>
    private static void PackTransposed(float* src, nint lds, int n, int k, float* dst, int ldd)
    {
        for (int p = 0; p < k; p++)
        {
            new Span<float>(dst + ((nint)p * ldd) + n, ldd - n).Clear();
        }

        int n8 = Avx.IsSupported ? n / 8 * 8 : 0, k8 = Avx.IsSupported ? k / 8 * 8 : 0;
        for (int j = 0; j < n8; j += 8)
        {
            float* s0 = src + (j * lds);
            for (int p = 0; p < k8; p += 8)
            {
                float* s = s0 + p;
                Vector256<float> t0 = Avx.UnpackLow(Avx.LoadVector256(s), Avx.LoadVector256(s + lds));
                Vector256<float> t1 = Avx.UnpackHigh(Avx.LoadVector256(s), Avx.LoadVector256(s + lds));
                Vector256<float> t2 = Avx.UnpackLow(Avx.LoadVector256(s + (2 * lds)), Avx.LoadVector256(s + (3 * lds)));
                Vector256<float> t3 = Avx.UnpackHigh(Avx.LoadVector256(s + (2 * lds)), Avx.LoadVector256(s + (3 * lds)));
                Vector256<float> t4 = Avx.UnpackLow(Avx.LoadVector256(s + (4 * lds)), Avx.LoadVector256(s + (5 * lds)));
                Vector256<float> t5 = Avx.UnpackHigh(Avx.LoadVector256(s + (4 * lds)), Avx.LoadVector256(s + (5 * lds)));
                Vector256<float> t6 = Avx.UnpackLow(Avx.LoadVector256(s + (6 * lds)), Avx.LoadVector256(s + (7 * lds)));
                Vector256<float> t7 = Avx.UnpackHigh(Avx.LoadVector256(s + (6 * lds)), Avx.LoadVector256(s + (7 * lds)));
                Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE), u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
                Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE), u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
                float* d = dst + ((nint)p * ldd) + j;
                Avx.Permute2x128(u0, u4, 0x20).Store(d);
                Avx.Permute2x128(u1, u5, 0x20).Store(d + ldd);
                Avx.Permute2x128(u2, u6, 0x20).Store(d + (2 * ldd));
                Avx.Permute2x128(u3, u7, 0x20).Store(d + (3 * ldd));
                Avx.Permute2x128(u0, u4, 0x31).Store(d + (4 * ldd));
                Avx.Permute2x128(u1, u5, 0x31).Store(d + (5 * ldd));
                Avx.Permute2x128(u2, u6, 0x31).Store(d + (6 * ldd));
                Avx.Permute2x128(u3, u7, 0x31).Store(d + (7 * ldd));
            }

            for (int p = k8; p < k; p++)
            {
                for (int jj = j; jj < j + 8; jj++)
                {
                    dst[((nint)p * ldd) + jj] = src[(jj * lds) + p];
                }
            }
        }

        for (int p = 0; p < k; p++)
        {
            float* d = dst + ((nint)p * ldd), s = src + p;
            for (int jj = n8; jj < n; jj++)
            {
                d[jj] = s[jj * lds];
            }
        }
    }

    /// <summary>Runs <see cref="AccumulateStrip"/> on the pool.</summary>
    private sealed class AccumulateJob(GemmCpu gemm) : IParallelJob
    {
        public void Execute(int part, int parts) => gemm.AccumulateStrip(part, parts);
    }

    /// <inheritdoc/>
    public void Execute(int part, int parts)
    {
        // Strips of whole tiles, so a thread's strip boundary never cuts a tile.
        if (_splitRows)
        {
            int mr = _tileRows, tiles = (_m + mr - 1) / mr;
            int row0 = Math.Min(_m, tiles * part / parts * mr), row1 = Math.Min(_m, tiles * (part + 1) / parts * mr);
            Blocked(_workspaces[part], row0, row1, 0, _n);
        }
        else
        {
            int tiles = (_n + _nr - 1) / _nr;
            int col0 = Math.Min(_n, tiles * part / parts * _nr), col1 = Math.Min(_n, tiles * (part + 1) / parts * _nr);
            Blocked(_workspaces[part], 0, _m, col0, col1);
        }
    }

    /// <summary>The blocked product restricted to C rows [row0, row1) and columns [col0, col1).</summary>
    private void Blocked(GemmWorkspace workspace, int row0, int row1, int col0, int col1)
    {
        int m = _m, n = _n, k = _k, mr = _tileRows, nr = _nr, width = _width;
        float* tile = workspace.Tile;
        for (int jc = col0; jc < col1; jc += _nc)
        {
            int nc = Math.Min(_nc, col1 - jc);
            for (int pc = 0; pc < k; pc += KC)
            {
                int kc = Math.Min(KC, k - pc);

                // Later depth blocks add onto what the first one wrote.
                float beta = pc == 0 ? _beta : 1f;
                GemmPacking.PackB(_b, _transB, n, k, pc, kc, jc, nc, nr, width, workspace.PackB);
                for (int ic = row0; ic < row1; ic += _mc)
                {
                    int mc = Math.Min(_mc, row1 - ic);

                    // A transposed, stored (K, M), already holds each sliver's depth p as MR contiguous floats, with
                    // row stride M: full slivers are read in place and only a ragged last one is packed, zero-padded.
                    int inPlace = _transA ? mc / mr * mr : 0;
                    if (inPlace < mc)
                    {
                        GemmPacking.PackA(_a, _transA, m, k, ic + inPlace, mc - inPlace, pc, kc, mr, width, workspace.PackA);
                    }

                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bSliver = workspace.PackB + ((nint)jr * kc);
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            bool aInPlace = ir < inPlace;
                            float* aSliver = aInPlace ? _a + ((nint)pc * m) + ic + ir : workspace.PackA + ((nint)(ir - inPlace) * kc);
                            nint lda = aInPlace ? m : mr;
                            float* cTile = _c + ((nint)(ic + ir) * n) + jc + jr;
                            if (rows == mr && cols == nr)
                            {
                                Micro(width, mr, kc, aSliver, bSliver, nr, cTile, n, _alpha, beta, lda);
                            }
                            else
                            {
                                Micro(width, mr, kc, aSliver, bSliver, nr, tile, nr, 1f, 0f, lda);
                                WriteEdge(width, tile, nr, cTile, n, rows, cols, _alpha, beta);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Rows of the register block at <paramref name="width"/> for a product of M rows: with AVX-512 the (8, 32) block
    /// where it pads fewer rows than the (12, 32) one (64 filters: 64 rows rather than 72), else the width's own
    /// (M = 0: the default block). Both AVX-512 blocks give the same bits.
    /// </summary>
    internal static int TileRows(int width, int m)
    {
        switch (width)
        {
            case 512:
                if (ForcedTileRows != 0)
                {
                    return ForcedTileRows;
                }

                return m > 0 && Padded(m, MicroKernel512x8.MR) < Padded(m, MicroKernel512.MR) ? MicroKernel512x8.MR : MicroKernel512.MR;
            case 256: return MicroKernel256.MR;
            case 128: return MicroKernel128.MR;
            default: return MicroKernelScalar.MR;
        }
    }

    /// <summary>Columns of the register block at <paramref name="width"/>.</summary>
    internal static int TileColumns(int width) => width switch
    {
        512 => MicroKernel512.NR,
        256 => MicroKernel256.NR,
        128 => MicroKernel128.NR,
        _ => MicroKernelScalar.NR,
    };

    /// <summary>MC, rows of a packed A block: MC x KC of A (~250 KB at 512 bits) sits in half of a 1 MB L2.</summary>
    private static int BlockRows(int width) => TileRows(width, 0) * 20;

    /// <summary>NC, columns of a packed B panel: KC x NC of B (2 MB at 512 bits) in L3.</summary>
    private static int PanelColumns(int width) => TileColumns(width) * 64;

    internal static int Padded(int m, int mr) => (m + mr - 1) / mr * mr;

    /// <summary>The width's micro-kernel on an A sliver packed (lda = 0: MR) or read in place with row stride lda.</summary>
    internal static void Micro(int width, int mr, int kc, float* a, float* b, nint ldb, float* c, nint ldc, float alpha, float beta, nint lda = 0)
    {
        lda = lda == 0 ? mr : lda;
        switch (width)
        {
            case 512 when mr == MicroKernel512x8.MR: MicroKernel512x8.Run(kc, a, b, ldb, c, ldc, alpha, beta, lda); break;
            case 512: MicroKernel512.Run(kc, a, b, ldb, c, ldc, alpha, beta, lda); break;
            case 256: MicroKernel256.Run(kc, a, b, ldb, c, ldc, alpha, beta, lda); break;
            case 128: MicroKernel128.Run(kc, a, b, ldb, c, ldc, alpha, beta, lda); break;
            default: MicroKernelScalar.Run(kc, a, b, ldb, c, ldc, alpha, beta, lda); break;
        }
    }

    /// <summary>
    /// The valid (rows, cols) corner of a full tile into C, with the micro-kernel's arithmetic (multiply, then add):
    /// at 512 bits sixteen columns at a time through masked loads and stores, so a ragged edge costs no more than a
    /// full tile; at 256 and 128 bits whole vectors, then the last few columns one by one.
    /// </summary>
    internal static void WriteEdge(int width, float* tile, int ldt, float* c, nint ldc, int rows, int cols, float alpha, float beta)
    {
        if (width >= 512 && Avx512F.IsSupported)
        {
            Vector512<float> va = Vector512.Create(alpha), vb = Vector512.Create(beta);
            for (int i = 0; i < rows; i++)
            {
                float* t = tile + ((nint)i * ldt);
                float* row = c + (i * ldc);
                for (int j = 0; j < cols; j += 16)
                {
                    Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(cols - j)).AsSingle();
                    Vector512<float> value = Vector512.Load(t + j) * va;
                    if (beta != 0f)
                    {
                        value += Avx512F.MaskLoad(row + j, mask, Vector512<float>.Zero) * vb;
                    }

                    Avx512F.MaskStore(row + j, mask, value);
                }
            }

            return;
        }

        if (width >= 256 && Vector256.IsHardwareAccelerated)
        {
            WriteEdge<V256>(tile, ldt, c, ldc, rows, cols, alpha, beta);
        }
        else if (width >= 128 && Vector128.IsHardwareAccelerated)
        {
            WriteEdge<V128>(tile, ldt, c, ldc, rows, cols, alpha, beta);
        }
        else
        {
            WriteEdge<V1>(tile, ldt, c, ldc, rows, cols, alpha, beta);
        }
    }

    /// <summary><see cref="WriteEdge(int, float*, int, float*, nint, int, int, float, float)"/> in whole vectors of TV, then the last columns one by one.</summary>
    private static void WriteEdge<TV>(float* tile, int ldt, float* c, nint ldc, int rows, int cols, float alpha, float beta)
        where TV : struct, IVector<TV>
    {
        int vectorCols = cols / TV.Count * TV.Count;
        TV va = TV.Create(alpha), vb = TV.Create(beta);
        for (int i = 0; i < rows; i++)
        {
            float* t = tile + ((nint)i * ldt);
            float* row = c + (i * ldc);
            int j = 0;
            for (; j < vectorCols; j += TV.Count)
            {
                TV value = TV.Load(t + j) * va;
                (beta == 0f ? value : value + (TV.Load(row + j) * vb)).Store(row + j);
            }

            for (; j < cols; j++)
            {
                row[j] = beta == 0f ? t[j] * alpha : (t[j] * alpha) + (row[j] * beta);
            }
        }
    }

    private static void ScaleOnly(int count, float beta, float* c)
    {
        var span = new Span<float>(c, count);
        if (beta == 0f)
        {
            span.Clear();
        }
        else
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(span, beta, span);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _pool?.Dispose();
}
