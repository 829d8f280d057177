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

    /// <summary>The tile side used on this accelerator.</summary>
    public int Tile => _tile;

    /// <summary>Whether products run through the tiled shared-memory kernel (on GPUs; settable for tests) or the direct one.</summary>
    public bool Tiled { get; set; } = accelerator.AcceleratorType != AcceleratorType.CPU;

    /// <summary>
    /// The kernels, shared with the back end's batched products: one GEMM is one product of them, so the two sum the
    /// same way.
    /// </summary>
    public BatchedGemmGpu Batched { get; } = new(accelerator);

    /// <summary>a: (M, K) or (K, M); b: (K, N) or (N, K); c: (M, N).</summary>
    public void Run(bool transA, bool transB, int m, int n, int k, float alpha, ArrayView<float> a, ArrayView<float> b, float beta, ArrayView<float> c) =>
        Batched.Run(transA, transB, 1, m, n, k, alpha, a, 0, b, 0, beta, c, 0, Tiled ? _tile : 0);

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
