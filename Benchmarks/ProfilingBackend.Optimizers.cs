using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>Keras 3's Adamax, Nadam and Lion steps (<c>IBackend.Optimizers.cs</c>), timed and forwarded like the others.</summary>
internal sealed partial class ProfilingBackend
{
    public void AdamaxStep(Buf parameters, Buf gradients, Buf m, Buf u, float learningRate, float beta1, float beta2, float epsilon, int step) =>
        Time($"AdamaxStep {parameters.Length}", () => Inner.AdamaxStep(parameters, gradients, m, u, learningRate, beta1, beta2, epsilon, step));

    public void NadamStep(Buf parameters, Buf gradients, Buf m, Buf v, float learningRate, float beta1, float beta2, float epsilon, int step, float uProduct) =>
        Time($"NadamStep {parameters.Length}", () => Inner.NadamStep(parameters, gradients, m, v, learningRate, beta1, beta2, epsilon, step, uProduct));

    public void LionStep(Buf parameters, Buf gradients, Buf m, float learningRate, float beta1, float beta2) =>
        Time($"LionStep {parameters.Length}", () => Inner.LionStep(parameters, gradients, m, learningRate, beta1, beta2));
}
