using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The GEMM kernels, for many independent products in one launch, C_i = alpha op(A_i) op(B_i) + beta C_i: a third index
/// names the product, whose matrices start at i times their stride (a stride of 0 shares one). The tiled kernel stages
/// (T, T) tiles of op(A_i) and op(B_i) in shared memory, one group per tile of one C_i (see <see cref="GemmGpu"/>); the
/// direct one runs a thread per element of every C_i. <see cref="GemmGpu.Run"/> is one product of them, and which one
/// runs, at which tile, follows its choice, so single and batched products sum the same way.
/// </summary>
internal sealed class BatchedGemmGpu(Accelerator accelerator)
{
    /// <summary>The most products one launch covers: CUDA's limit on the third grid dimension.</summary>
    internal const int MaxLaunch = 65_535;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchedGemmShape>? _tiled;
    private Action<Index3D, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchedGemmShape>? _direct;

    /// <summary>a, b, c: the views holding every A_i, B_i, C_i at their strides; <paramref name="tile"/> is the tiled kernel's side, 0 for the direct kernel.</summary>
    public void Run(bool transA, bool transB, int count, int m, int n, int k, float alpha, ArrayView<float> a, long strideA,
        ArrayView<float> b, long strideB, float beta, ArrayView<float> c, long strideC, int tile)
    {
        if (count == 0 || m == 0 || n == 0)
        {
            return;
        }

        for (int first = 0; first < count; first += MaxLaunch)
        {
            int launch = Math.Min(MaxLaunch, count - first);
            var shape = new BatchedGemmShape(m, n, k, alpha, beta, transA ? 1 : 0, transB ? 1 : 0, strideA, strideB, strideC, first);
            if (tile == 0)
            {
                _direct ??= accelerator.LoadAutoGroupedStreamKernel<Index3D, ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchedGemmShape>(
                    BatchedGemmDirectKernel);
                _direct(new Index3D(n, m, launch), a, b, c, shape);
                continue;
            }

            _tiled ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, BatchedGemmShape>(BatchedGemmKernel);
            var grid = new Index3D((n + tile - 1) / tile, (m + tile - 1) / tile, launch);
            _tiled(new KernelConfig(grid, new Index3D(tile, tile, 1)), a, b, c, shape);
        }
    }

    /// <summary>
    /// a (count, M, K) or (count, K, M), b (count, K, N) or (count, N, K), c (count, M, N), each at its stride: one thread
    /// per element of C_i, (column, row, product), summing over K in order.
    /// </summary>
    internal static void BatchedGemmDirectKernel(Index3D index, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, BatchedGemmShape shape)
    {
        int col = index.X, row = index.Y, m = shape.M, n = shape.N, k = shape.K;
        long product = shape.First + index.Z;
        long a0 = product * shape.StrideA, b0 = product * shape.StrideB;
        float sum = 0f;
        for (int kk = 0; kk < k; kk++)
        {
            float av = shape.TransA != 0 ? a[a0 + ((long)kk * m) + row] : a[a0 + ((long)row * k) + kk];
            float bv = shape.TransB != 0 ? b[b0 + ((long)col * k) + kk] : b[b0 + ((long)kk * n) + col];
            sum += av * bv;
        }

        long at = (product * shape.StrideC) + ((long)row * n) + col;
        c[at] = shape.Beta == 0f ? sum * shape.Alpha : (sum * shape.Alpha) + (c[at] * shape.Beta);
    }

    /// <summary>
    /// a (count, M, K) or (count, K, M), b (count, K, N) or (count, N, K), c (count, M, N), each at its stride: one thread
    /// per element of C_i, its group's tiles of op(A_i) and op(B_i) staged in shared memory.
    /// Explicitly grouped: the index is (Grid, Group), the grid's third axis the product.
    /// </summary>
    internal static void BatchedGemmKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, BatchedGemmShape shape)
    {
        ArrayView<float> aTile = SharedMemory.Allocate<float>(GemmGpu.MaxTile * GemmGpu.MaxTile);
        ArrayView<float> bTile = SharedMemory.Allocate<float>(GemmGpu.MaxTile * GemmGpu.MaxTile);
        const int Pitch = GemmGpu.MaxTile;
        int tile = Group.DimX;
        int tx = Group.IdxX, ty = Group.IdxY;
        int row = (Grid.IdxY * tile) + ty, col = (Grid.IdxX * tile) + tx;
        int m = shape.M, n = shape.N, k = shape.K;
        long product = shape.First + Grid.IdxZ;
        long a0 = product * shape.StrideA, b0 = product * shape.StrideB;
        float sum = 0f;
        for (int k0 = 0; k0 < k; k0 += tile)
        {
            // Thread (ty, tx) loads op(A_i)[row, k0 + tx] and op(B_i)[k0 + ty, col]; outside the matrices it loads 0.
            int ka = k0 + tx, kb = k0 + ty;
            float av = 0f, bv = 0f;
            if (row < m && ka < k)
            {
                av = shape.TransA != 0 ? a[a0 + ((long)ka * m) + row] : a[a0 + ((long)row * k) + ka];
            }

            if (kb < k && col < n)
            {
                bv = shape.TransB != 0 ? b[b0 + ((long)col * k) + kb] : b[b0 + ((long)kb * n) + col];
            }

            aTile[(ty * Pitch) + tx] = av;
            bTile[(ty * Pitch) + tx] = bv;
            Group.Barrier();
            int steps = k - k0 < tile ? k - k0 : tile;
            for (int kk = 0; kk < steps; kk++)
            {
                sum += aTile[(ty * Pitch) + kk] * bTile[(kk * Pitch) + tx];
            }

            Group.Barrier();
        }

        if (row < m && col < n)
        {
            long at = (product * shape.StrideC) + ((long)row * n) + col;
            c[at] = shape.Beta == 0f ? sum * shape.Alpha : (sum * shape.Alpha) + (c[at] * shape.Beta);
        }
    }
}
