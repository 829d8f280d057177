using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The embedding lookup. Forward runs one thread per output element (a gather, nothing written twice) and one per
/// token for the padding mask; backward one thread per element of dy, scattering into the table rows with atomic
/// adds, since repeated ids send several tokens to the same row (the sum's order, and so its last bits, depends on
/// scheduling). The ids are checked on the host before either pass (<see cref="GpuBackend"/>); the kernels trust them.
/// </summary>
internal sealed class EmbeddingGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _forward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>>? _mask;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _backward;

    /// <summary>ids (N), table (V, W), y (N, W), mask (N) or empty: y = the table rows at the ids; mask = id != 0.</summary>
    public void Forward(ArrayView<float> ids, ArrayView<float> table, ArrayView<float> y, ArrayView<float> mask, int width)
    {
        if (y.Length > 0)
        {
            _forward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(EmbeddingForwardKernel);
            _forward((int)y.Length, ids, table, y, width);
        }

        if (mask.Length > 0)
        {
            _mask ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(EmbeddingForwardMaskKernel);
            _mask((int)mask.Length, ids, mask);
        }
    }

    /// <summary>ids (N), dy (N, W), dTable (V, W): dTable rows at the ids += dy (accumulates).</summary>
    public void Backward(ArrayView<float> ids, ArrayView<float> dy, ArrayView<float> dTable, int width)
    {
        if (dy.Length == 0)
        {
            return;
        }

        _backward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(EmbeddingBackwardKernel);
        _backward((int)dy.Length, ids, dy, dTable, width);
    }

    /// <summary>ids (N), table (V, W), y (N, W), one output element per thread: y[p, w] = table[ids[p], w].</summary>
    internal static void EmbeddingForwardKernel(Index1D index, ArrayView<float> ids, ArrayView<float> table, ArrayView<float> y, int width)
    {
        int i = index;
        int p = i / width, w = i % width;
        y[i] = table[((int)ids[p] * width) + w];
    }

    /// <summary>ids, mask (N), one token per thread: mask[p] = 1 where ids[p] is not 0, 0 where it is (padding).</summary>
    internal static void EmbeddingForwardMaskKernel(Index1D p, ArrayView<float> ids, ArrayView<float> mask) => mask[p] = ids[p] != 0f ? 1f : 0f;

    /// <summary>
    /// ids (N), dy (N, W), dTable (V, W), one element of dy per thread: y[p, w] = table[ids[p], w] gives
    /// dTable[ids[p], w] += dy[p, w], atomically (tokens with the same id add to the same row).
    /// </summary>
    internal static void EmbeddingBackwardKernel(Index1D index, ArrayView<float> ids, ArrayView<float> dy, ArrayView<float> dTable, int width)
    {
        int i = index;
        int p = i / width, w = i % width;
        Atomic.Add(ref dTable[((int)ids[p] * width) + w], dy[i]);
    }
}
