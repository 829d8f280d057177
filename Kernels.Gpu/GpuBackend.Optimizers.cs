using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Keras 3's Adamax, Nadam and Lion (<c>IBackend.Optimizers.cs</c>): validation of views as the CPU back end does it, then
/// dispatch to <see cref="AdamaxNadamLionGpu"/>, created on first use (its kernels compile then).
/// </summary>
public sealed partial class GpuBackend
{
    private AdamaxNadamLionGpu? _adamaxNadamLion;

    private AdamaxNadamLionGpu AdamaxNadamLionKernels => _adamaxNadamLion ??= new AdamaxNadamLionGpu(_accelerator);

    /// <inheritdoc/>
    public void AdamaxStep(Buf parameters, Buf gradients, Buf m, Buf u, float learningRate, float beta1, float beta2, float epsilon, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArrayView<float> p = View(parameters, nameof(parameters));
        AdamaxNadamLionKernels.Adamax(p, Sized(gradients, p.Length, nameof(gradients)), Sized(m, p.Length, nameof(m)), Sized(u, p.Length, nameof(u)),
            learningRate, beta1, beta2, epsilon, step);
    }

    /// <inheritdoc/>
    public void NadamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2, float epsilon, int step, float uProduct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArrayView<float> p = View(parameters, nameof(parameters));
        AdamaxNadamLionKernels.Nadam(p, Sized(gradients, p.Length, nameof(gradients)), Sized(m, p.Length, nameof(m)), Sized(v, p.Length, nameof(v)),
            learningRate, beta1, beta2, epsilon, step, uProduct);
    }

    /// <inheritdoc/>
    public void LionStep(Buf parameters, Buf gradients, Buf m, float learningRate, float beta1, float beta2)
    {
        ArrayView<float> p = View(parameters, nameof(parameters));
        AdamaxNadamLionKernels.Lion(p, Sized(gradients, p.Length, nameof(gradients)), Sized(m, p.Length, nameof(m)), learningRate, beta1, beta2);
    }
}
