namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Keras' L1 and L2 weight regularisers (<c>IBackend.Regularization.cs</c>): views and factors validated here, before
/// anything is written, the work done in <see cref="RegularizationCpu"/> on the calling thread (one pass for the
/// gradient, one for the sums; no allocation).
/// </summary>
public sealed unsafe partial class CpuBackend
{
    /// <inheritdoc/>
    public void Regularize(Buf parameters, Buf gradients, Buf loss, float l1, float l2)
    {
        CheckFactor(l1, nameof(l1));
        CheckFactor(l2, nameof(l2));
        int n = View(parameters, nameof(parameters)).Length;
        if (gradients.Length != 0)
        {
            Sized(gradients, n, nameof(gradients));
        }

        Span<float> total = Sized(loss, 1, nameof(loss));
        if (l1 == 0f && l2 == 0f)
        {
            return;
        }

        float* w = _base + parameters.Offset;
        if (gradients.Length != 0)
        {
            RegularizationCpu.AddGradient(w, _base + gradients.Offset, n, l1, l2);
        }

        (double absolute, double squares) = RegularizationCpu.Sums(w, n);
        total[0] = (float)(total[0] + Penalty(absolute, squares, l1, l2));
    }

    /// <summary>l1 sum|w| + l2 sum w^2 in double, each term only when its factor is non-zero (as Keras' L1L2 adds them).</summary>
    internal static double Penalty(double absolute, double squares, float l1, float l2)
    {
        double penalty = 0;
        if (l1 != 0f)
        {
            penalty += l1 * absolute;
        }

        if (l2 != 0f)
        {
            penalty += l2 * squares;
        }

        return penalty;
    }

    private static void CheckFactor(float factor, string name)
    {
        if (!float.IsFinite(factor) || factor < 0f)
        {
            throw new ArgumentOutOfRangeException(name, factor, "A regularisation factor must be finite and non-negative.");
        }
    }
}
