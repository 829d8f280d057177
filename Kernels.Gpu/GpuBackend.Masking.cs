using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Keras' Masking layer (<c>IBackend.Masking.cs</c>): validation of views as the CPU back end does it, then dispatch to
/// <see cref="MaskingGpu"/>, created on first use (its kernels compile then).
/// </summary>
public sealed partial class GpuBackend
{
    private MaskingGpu? _masking;

    private MaskingGpu MaskingKernels => _masking ??= new MaskingGpu(_accelerator);

    /// <inheritdoc/>
    public void Masking(Buf x, Buf y, Buf mask, int batch, int steps, int features, float value)
    {
        long rows = Count(batch, steps);
        long count = rows * Count(1, features);
        ArrayView<float> xv = Sized(x, count, nameof(x)), yv = Sized(y, count, nameof(y));
        MaskingKernels.Forward(xv, yv, Sized(mask, rows, nameof(mask)), features, value);
    }

    /// <inheritdoc/>
    public void MaskingBackward(Buf dy, Buf mask, Buf dx, int batch, int steps, int features)
    {
        long rows = Count(batch, steps);
        long count = rows * Count(1, features);
        ArrayView<float> dyv = Sized(dy, count, nameof(dy)), dxv = Sized(dx, count, nameof(dx));
        MaskingKernels.Backward(dyv, Sized(mask, rows, nameof(mask)), dxv, features);
    }
}
