using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The GEMM, C = alpha op(A) op(B) + beta C, tiled through shared memory: each group of (T, T) threads owns a
/// (T, T) tile of C and walks the shared dimension T at a time, staging a (T, T) tile of op(A) and of op(B)
/// in shared memory so every element is read from device memory once per group instead of T times. The
/// transposed variants the backward pass needs only change how a tile is loaded. T is 16 on a GPU (256
/// threads) and 4 on ILGPU's CPU accelerator, whose groups are at most 16 threads.
/// </summary>
/// <remarks>
/// ILGPU's CPU accelerator runs each group's threads as OS threads, so every barrier of the tiled kernel is
/// a thread rendezvous; there the direct kernel (one thread per element of C, no shared memory) is the
/// default, and the tests force the tiled one to check the kernel GPUs run.
/// </remarks>
internal sealed class GemmGpu(Accelerator accelerator)
{
    /// <summary>The largest tile side; shared tiles are allocated at this size and used at the launch's.</summary>
    internal const int MaxTile = 16;

    private readonly int _tile = TileFor(accelerator.MaxNumThreadsPerGroup);
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>? _tiled;
    private Action<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>? _direct;

    /// <summary>The tile side used on this accelerator.</summary>
    public int Tile => _tile;

    /// <summary>Whether products run through the tiled shared-memory kernel (on GPUs; settable for tests) or the direct one.</summary>
    public bool Tiled { get; set; } = accelerator.AcceleratorType != AcceleratorType.CPU;

    /// <summary>a: (M, K) or (K, M); b: (K, N) or (N, K); c: (M, N).</summary>
    public void Run(bool transA, bool transB, int m, int n, int k, float alpha, ArrayView<float> a, ArrayView<float> b, float beta, ArrayView<float> c)
    {
        if (m == 0 || n == 0)
        {
            return;
        }

        var shape = new GemmShape(m, n, k, alpha, beta, transA ? 1 : 0, transB ? 1 : 0);
        if (!Tiled)
        {
            _direct ??= accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(GemmDirectKernel);
            _direct(new Index2D(n, m), a, b, c, shape);
            return;
        }

        _tiled ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, GemmShape>(GemmKernel);
        var grid = new Index2D((n + _tile - 1) / _tile, (m + _tile - 1) / _tile);
        var group = new Index2D(_tile, _tile);
        _tiled(new KernelConfig(grid, group), a, b, c, shape);
    }

    /// <summary>a (M, K) or (K, M), b (K, N) or (N, K), c (M, N): one thread per element of C, (column, row), summing over K in order.</summary>
    internal static void GemmDirectKernel(Index2D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape shape)
    {
        int col = index.X, row = index.Y, m = shape.M, n = shape.N, k = shape.K;
        float sum = 0f;
        for (int kk = 0; kk < k; kk++)
        {
            float av = shape.TransA != 0 ? a[((long)kk * m) + row] : a[((long)row * k) + kk];
            float bv = shape.TransB != 0 ? b[((long)col * k) + kk] : b[((long)kk * n) + col];
            sum += av * bv;
        }

        long at = ((long)row * n) + col;
        c[at] = shape.Beta == 0f ? sum * shape.Alpha : (sum * shape.Alpha) + (c[at] * shape.Beta);
    }

    /// <summary>
    /// a (M, K) or (K, M), b (K, N) or (N, K), c (M, N): one thread per element of C, its group's tiles of
    /// op(A) and op(B) staged in shared memory. Explicitly grouped: the index is (Grid, Group), not a parameter.
    /// </summary>
    internal static void GemmKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape shape)
    {
        ArrayView<float> aTile = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        ArrayView<float> bTile = SharedMemory.Allocate<float>(MaxTile * MaxTile);
        int tile = Group.DimX;
        int tx = Group.IdxX, ty = Group.IdxY;
        int row = (Grid.IdxY * tile) + ty, col = (Grid.IdxX * tile) + tx;
        int m = shape.M, n = shape.N, k = shape.K;
        float sum = 0f;
        for (int k0 = 0; k0 < k; k0 += tile)
        {
            // Thread (ty, tx) loads op(A)[row, k0 + tx] and op(B)[k0 + ty, col]; outside the matrices it loads 0.
            int ka = k0 + tx, kb = k0 + ty;
            float av = 0f, bv = 0f;
            if (row < m && ka < k)
            {
                av = shape.TransA != 0 ? a[((long)ka * m) + row] : a[((long)row * k) + ka];
            }

            if (kb < k && col < n)
            {
                bv = shape.TransB != 0 ? b[((long)col * k) + kb] : b[((long)kb * n) + col];
            }

            aTile[(ty * MaxTile) + tx] = av;
            bTile[(ty * MaxTile) + tx] = bv;
            Group.Barrier();
            int steps = k - k0 < tile ? k - k0 : tile;
            for (int kk = 0; kk < steps; kk++)
            {
                sum += aTile[(ty * MaxTile) + kk] * bTile[(kk * MaxTile) + tx];
            }

            Group.Barrier();
        }

        if (row < m && col < n)
        {
            long at = ((long)row * n) + col;
            c[at] = shape.Beta == 0f ? sum * shape.Alpha : (sum * shape.Alpha) + (c[at] * shape.Beta);
        }
    }

    /// <summary>The largest tile side T with T * T threads in a group, at most <see cref="MaxTile"/>.</summary>
    private static int TileFor(int maxThreadsPerGroup)
    {
        int tile = MaxTile;
        while (tile > 1 && tile * tile > maxThreadsPerGroup)
        {
            tile /= 2;
        }

        return tile;
    }
}
