using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Keras' Masking layer. Forward runs one thread per step for the mask (a loop over the step's features), then one
/// per element for the product, so that y may alias x: every feature of a step has been compared before any is
/// overwritten. Backward is one thread per element.
/// </summary>
internal sealed class MaskingGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, float>? _mask;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>? _scale;

    /// <summary>x, y (N, F), mask (N): mask = some feature of the step != value; y = x * mask.</summary>
    public void Forward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, int features, float value)
    {
        if (mask.Length > 0)
        {
            _mask ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, float>(MaskingForwardKernel);
            _mask((int)mask.Length, x, mask, features, value);
        }

        Scale(x, mask, y, features);
    }

    /// <summary>dy, dx (N, F), mask (N): dx = dy * mask.</summary>
    public void Backward(ArrayView<float> dy, ArrayView<float> mask, ArrayView<float> dx, int features) => Scale(dy, mask, dx, features);

    private void Scale(ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y, int features)
    {
        if (x.Length == 0)
        {
            return;
        }

        _scale ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(MaskingScaleKernel);
        _scale((int)x.Length, x, mask, y, features);
    }

    /// <summary>x (N, F), mask (N), one step per thread: mask[n] = 1 where some x[n, f] != value (a NaN never equals it), else 0.</summary>
    internal static void MaskingForwardKernel(Index1D n, ArrayView<float> x, ArrayView<float> mask, int features, float value)
    {
        long row = (long)n.X * features;
        float m = 0f;
        for (int f = 0; f < features; f++)
        {
            if (x[row + f] != value)
            {
                m = 1f;
                break;
            }
        }

        mask[n] = m;
    }

    /// <summary>
    /// x, y (N, F), mask (N), one element per thread: y[n, f] = x[n, f] * mask[n]; the forward product (x, y) and the
    /// backward one (dy, dx: a masked step's features have no gradient). y may be x.
    /// </summary>
    internal static void MaskingScaleKernel(Index1D i, ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y, int features) =>
        y[i] = x[i] * mask[i.X / features];
}
