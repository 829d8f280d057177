using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Keras 3's Adamax, Nadam and Lion, Adam's AMSGrad form and RMSprop with momentum or centred (<c>IBackend.Optimizers.cs</c>):
/// validation of views as the CPU back end does it, then dispatch to <see cref="AdamaxNadamLionGpu"/> or
/// <see cref="AmsGradRmsPropGpu"/>, created on first use (their kernels compile then).
/// </summary>
public sealed partial class GpuBackend
{
    private AdamaxNadamLionGpu? _adamaxNadamLion;

    private AmsGradRmsPropGpu? _amsGradRmsProp;

    private AdamaxNadamLionGpu AdamaxNadamLionKernels => _adamaxNadamLion ??= new AdamaxNadamLionGpu(_accelerator);

    private AmsGradRmsPropGpu AmsGradRmsPropKernels => _amsGradRmsProp ??= new AmsGradRmsPropGpu(_accelerator);

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

    /// <inheritdoc/>
    public void AmsGradStep(Buf parameters, Buf gradients, Buf m, Buf v, Buf vHat, float learningRate, float beta1, float beta2, float epsilon, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        ArrayView<float> p = View(parameters, nameof(parameters));
        AmsGradRmsPropKernels.AmsGrad(p, Sized(gradients, p.Length, nameof(gradients)), Sized(m, p.Length, nameof(m)), Sized(v, p.Length, nameof(v)),
            Sized(vHat, p.Length, nameof(vHat)), learningRate, beta1, beta2, epsilon, step);
    }

    /// <inheritdoc/>
    public void RmsPropStep(Buf parameters, Buf gradients, Buf velocity, Buf momentum, Buf averageGradient, float learningRate, float rho,
        float momentumFactor, float epsilon)
    {
        ArrayView<float> p = View(parameters, nameof(parameters));
        ArrayView<float> g = Sized(gradients, p.Length, nameof(gradients)), s = Sized(velocity, p.Length, nameof(velocity));
        bool centered = averageGradient.Length != 0;
        ArrayView<float> mom = momentumFactor != 0f ? Sized(momentum, p.Length, nameof(momentum)) : p;
        ArrayView<float> average = centered ? Sized(averageGradient, p.Length, nameof(averageGradient)) : p;
        AmsGradRmsPropKernels.RmsProp(p, g, s, mom, average, learningRate, rho, momentumFactor, epsilon, centered);
    }
}
