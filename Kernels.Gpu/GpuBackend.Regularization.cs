using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Keras' L1 and L2 weight regularisers (<c>IBackend.Regularization.cs</c>): validation of views and factors as the CPU
/// back end does it, then dispatch to <see cref="RegularizationGpu"/>, created on first use (its kernels compile then).
/// </summary>
public sealed partial class GpuBackend
{
    private RegularizationGpu? _regularization;

    private RegularizationGpu RegularizationKernels => _regularization ??= new RegularizationGpu(_accelerator);

    /// <inheritdoc/>
    public void Regularize(Buf parameters, Buf gradients, Buf loss, float l1, float l2)
    {
        CheckFactor(l1, nameof(l1));
        CheckFactor(l2, nameof(l2));
        ArrayView<float> w = View(parameters, nameof(parameters));
        ArrayView<float> g = gradients.Length != 0 ? Sized(gradients, w.Length, nameof(gradients)) : default;
        ArrayView<float> total = Sized(loss, 1, nameof(loss));
        if (l1 == 0f && l2 == 0f)
        {
            return;
        }

        if (gradients.Length != 0)
        {
            RegularizationKernels.AddGradient(w, g, l1, l2);
        }

        RegularizationKernels.AddPenalty(w, total, l1, l2);
    }

    private static void CheckFactor(float factor, string name)
    {
        if (!float.IsFinite(factor) || factor < 0f)
        {
            throw new ArgumentOutOfRangeException(name, factor, "A regularisation factor must be finite and non-negative.");
        }
    }
}
