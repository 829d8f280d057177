using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>Fill and copy inside the arena.</summary>
internal sealed class ArenaGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, float>? _fill;
    private Action<Index1D, ArrayView<float>, ArrayView<float>>? _copy;

    /// <summary>x (N) = value.</summary>
    public void Fill(ArrayView<float> x, float value)
    {
        if (x.Length == 0)
        {
            return;
        }

        _fill ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ArenaFillKernel);
        _fill((int)x.Length, x, value);
    }

    /// <summary>destination (N) = source (N); the views do not overlap.</summary>
    public void Copy(ArrayView<float> source, ArrayView<float> destination)
    {
        if (source.Length == 0)
        {
            return;
        }

        _copy ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ArenaCopyKernel);
        _copy((int)source.Length, source, destination);
    }

    /// <summary>x (N): x[i] = value.</summary>
    internal static void ArenaFillKernel(Index1D i, ArrayView<float> x, float value) => x[i] = value;

    /// <summary>source, destination (N): destination[i] = source[i].</summary>
    internal static void ArenaCopyKernel(Index1D i, ArrayView<float> source, ArrayView<float> destination) => destination[i] = source[i];
}
