using ModelGen.Kernels;

namespace ModelGen.Benchmarks;

/// <summary>Keras' L1 and L2 weight regularisers (<c>IBackend.Regularization.cs</c>), timed and forwarded like the others.</summary>
internal sealed partial class ProfilingBackend
{
    public void Regularize(Buf parameters, Buf gradients, Buf loss, float l1, float l2) =>
        Time($"Regularize {parameters.Length}", () => Inner.Regularize(parameters, gradients, loss, l1, l2));
}
