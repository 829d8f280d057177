namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Keras 3's Adamax, Nadam and Lion, Adam's AMSGrad form and RMSprop with momentum or centred (<c>IBackend.Optimizers.cs</c>): views validated here, before anything is written, the
/// work done in <see cref="AdamaxNadamLionCpu"/> by element ranges, through the optimizers' one step job.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    public void AdamaxStep(Buf parameters, Buf gradients, Buf m, Buf u, float learningRate, float beta1, float beta2, float epsilon, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(m, n, nameof(m));
        Sized(u, n, nameof(u));
        _optimizerStep.Adamax(_base + parameters.Offset, _base + gradients.Offset, _base + m.Offset, _base + u.Offset, n,
            AdamaxNadamLionCpu.AdamaxAlpha(learningRate, beta1, step), beta1, beta2, epsilon);
    }

    /// <inheritdoc/>
    public void NadamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2, float epsilon, int step, float uProduct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(m, n, nameof(m));
        Sized(v, n, nameof(v));
        (float momentumFactor, float gradientFactor, float secondCorrection) = AdamaxNadamLionCpu.NadamFactors(beta1, beta2, step, uProduct);
        var scalars = new AdamaxNadamLionCpu.NadamScalars(learningRate, 1f - beta1, 1f - beta2, momentumFactor, gradientFactor, secondCorrection, epsilon);
        _optimizerStep.Nadam(_base + parameters.Offset, _base + gradients.Offset, _base + m.Offset, _base + v.Offset, n, scalars);
    }

    /// <inheritdoc/>
    public void LionStep(Buf parameters, Buf gradients, Buf m, float learningRate, float beta1, float beta2)
    {
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(m, n, nameof(m));
        _optimizerStep.Lion(_base + parameters.Offset, _base + gradients.Offset, _base + m.Offset, n, learningRate, beta1, beta2);
    }

    /// <inheritdoc/>
    public void AmsGradStep(Buf parameters, Buf gradients, Buf m, Buf v, Buf vHat, float learningRate, float beta1, float beta2, float epsilon, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(m, n, nameof(m));
        Sized(v, n, nameof(v));
        Sized(vHat, n, nameof(vHat));
        _optimizerStep.AmsGrad(_base + parameters.Offset, _base + gradients.Offset, _base + m.Offset, _base + v.Offset, _base + vHat.Offset, n,
            OptimizerCpu.AdamAlpha(learningRate, beta1, beta2, step), beta1, beta2, epsilon);
    }

    /// <inheritdoc/>
    public void RmsPropStep(Buf parameters, Buf gradients, Buf velocity, Buf momentum, Buf averageGradient, float learningRate, float rho,
        float momentumFactor, float epsilon)
    {
        int n = View(parameters, nameof(parameters)).Length;
        Sized(gradients, n, nameof(gradients));
        Sized(velocity, n, nameof(velocity));
        bool withMomentum = momentumFactor != 0f, centered = averageGradient.Length != 0;
        if (withMomentum)
        {
            Sized(momentum, n, nameof(momentum));
        }

        if (centered)
        {
            Sized(averageGradient, n, nameof(averageGradient));
        }

        _optimizerStep.RmsProp(_base + parameters.Offset, _base + gradients.Offset, _base + velocity.Offset,
            withMomentum ? _base + momentum.Offset : null, centered ? _base + averageGradient.Offset : null, n, learningRate, rho, momentumFactor, epsilon);
    }
}
