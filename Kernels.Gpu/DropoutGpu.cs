using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Inverted dropout. The mask of element i is a pure function of (seed, stream + i) through
/// <see cref="CounterRandom.Uniform"/>, which the kernel calls as it is (ILGPU compiles its 64-bit integer
/// arithmetic), so every back end draws the same mask bit for bit.
/// </summary>
internal sealed class DropoutGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, ulong, ulong>? _forward;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>? _backward;

    /// <summary>x, y, mask (N): mask = Uniform(seed, stream + i) &gt;= rate ? 1 / (1 - rate) : 0; y = x * mask.</summary>
    public void Forward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, float rate, ulong seed, ulong stream)
    {
        if (x.Length == 0)
        {
            return;
        }

        _forward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, ulong, ulong>(DropoutForwardKernel);
        _forward((int)x.Length, x, y, mask, rate, seed, stream);
    }

    /// <summary>dy, mask, dx (N): dx = dy * mask.</summary>
    public void Backward(ArrayView<float> dy, ArrayView<float> mask, ArrayView<float> dx)
    {
        if (dy.Length == 0)
        {
            return;
        }

        _backward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(DropoutBackwardKernel);
        _backward((int)dy.Length, dy, mask, dx);
    }

    /// <summary>x, y, mask (N): element i kept when Uniform(seed, stream + i) &gt;= rate, scaled by 1 / (1 - rate); x may be y.</summary>
    internal static void DropoutForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, float rate, ulong seed, ulong stream)
    {
        float keep = 1f / (1f - rate);
        float m = CounterRandom.Uniform(seed, stream + (ulong)(long)i.X) >= rate ? keep : 0f;
        mask[i] = m;
        y[i] = x[i] * m;
    }

    /// <summary>dy, mask, dx (N): dx = dy * mask; dx may be dy.</summary>
    internal static void DropoutBackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> mask, ArrayView<float> dx) => dx[i] = dy[i] * mask[i];
}
