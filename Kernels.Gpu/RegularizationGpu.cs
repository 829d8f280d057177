using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Keras' L1 and L2 weight regularisers (<c>IBackend.Regularization.cs</c>): the gradient term one element per thread
/// with the CPU kernel's operations in its order, and the penalty as a single-group reduction in double added to the
/// loss on the device.
/// </summary>
internal sealed class RegularizationGpu(Accelerator accelerator)
{
    private readonly int _group = ReductionGroup.For(accelerator.MaxNumThreadsPerGroup);
    private Action<Index1D, ArrayView<float>, ArrayView<float>, float, float>? _gradient;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, float, float>? _penalty;

    /// <summary>w, g (N): g += l1 sign(w) + 2 l2 w.</summary>
    public void AddGradient(ArrayView<float> w, ArrayView<float> g, float l1, float l2)
    {
        if (w.Length == 0)
        {
            return;
        }

        _gradient ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(RegularizationGradientKernel);
        _gradient((int)w.Length, w, g, l1, l2);
    }

    /// <summary>w (N), loss (1): loss[0] += l1 sum |w| + l2 sum w^2.</summary>
    public void AddPenalty(ArrayView<float> w, ArrayView<float> loss, float l1, float l2)
    {
        _penalty ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, float, float>(RegularizationPenaltyKernel);
        _penalty(new KernelConfig(1, _group), w, loss, l1, l2);
    }

    /// <summary>
    /// w, g (N): g += l1 sign(w) + 2 l2 w, each term only when its factor is non-zero, summed as the CPU kernel sums
    /// them (sign 0 at +-0, NaN at NaN).
    /// </summary>
    internal static void RegularizationGradientKernel(Index1D i, ArrayView<float> w, ArrayView<float> g, float l1, float l2)
    {
        float x = w[i];
        float sign = x > 0f ? 1f : 0f > x ? -1f : x;
        float twoL2 = 2f * l2;
        if (l2 == 0f)
        {
            g[i] += l1 * sign;
        }
        else if (l1 == 0f)
        {
            g[i] += twoL2 * x;
        }
        else
        {
            g[i] += (l1 * sign) + (twoL2 * x);
        }
    }

    /// <summary>
    /// w (N), loss (1): sum |w| and sum w^2 in double (partials per thread, added in thread order by the first thread),
    /// then loss[0] = float(loss[0] + l1 sum|w| + l2 sum w^2), a term only when its factor is non-zero. One group;
    /// explicitly grouped, so the index comes from Group.
    /// </summary>
    internal static void RegularizationPenaltyKernel(ArrayView<float> w, ArrayView<float> loss, float l1, float l2)
    {
        ArrayView<double> absolutes = SharedMemory.Allocate<double>(ReductionGroup.MaxThreads);
        ArrayView<double> squares = SharedMemory.Allocate<double>(ReductionGroup.MaxThreads);
        int t = Group.IdxX, threads = Group.DimX;
        double absolute = 0, square = 0;
        for (long i = t; i < w.Length; i += threads)
        {
            double v = w[i];
            v = v < 0 ? -v : v;
            absolute += v;
            square += v * v;
        }

        absolutes[t] = absolute;
        squares[t] = square;
        Group.Barrier();
        if (t == 0)
        {
            double totalAbsolute = 0, totalSquares = 0;
            for (int i = 0; i < threads; i++)
            {
                totalAbsolute += absolutes[i];
                totalSquares += squares[i];
            }

            double penalty = 0;
            if (l1 != 0f)
            {
                penalty += l1 * totalAbsolute;
            }

            if (l2 != 0f)
            {
                penalty += l2 * totalSquares;
            }

            loss[0] = (float)(loss[0] + penalty);
        }
    }
}
