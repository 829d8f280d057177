using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>Gradient clipping and the finiteness check; the norm and the flag are computed and used on the device.</summary>
internal sealed class ClipGpu(Accelerator accelerator)
{
    private readonly int _group = ReductionGroup.For(accelerator.MaxNumThreadsPerGroup);
    private Action<Index1D, ArrayView<float>, float>? _byValue;
    private Action<KernelConfig, ArrayView<float>, float>? _byNorm;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>>? _allFinite;

    /// <summary>g (N) = clamp(g, -limit, limit).</summary>
    public void ByValue(ArrayView<float> g, float limit)
    {
        if (g.Length == 0)
        {
            return;
        }

        _byValue ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ClipByValueKernel);
        _byValue((int)g.Length, g, limit);
    }

    /// <summary>g (N) *= min(1, maxNorm / ||g||).</summary>
    public void ByNorm(ArrayView<float> g, float maxNorm)
    {
        _byNorm ??= accelerator.LoadStreamKernel<ArrayView<float>, float>(ClipByNormKernel);
        _byNorm(new KernelConfig(1, _group), g, maxNorm);
    }

    /// <summary>result[0] = 1 when every element of x (N) is finite, else 0.</summary>
    public void AllFinite(ArrayView<float> x, ArrayView<float> result)
    {
        _allFinite ??= accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>>(ClipAllFiniteKernel);
        _allFinite(new KernelConfig(1, _group), x, result);
    }

    /// <summary>g (N): g = clamp(g, -limit, limit); NaN stays NaN, as TensorPrimitives' Max and Min keep it.</summary>
    internal static void ClipByValueKernel(Index1D i, ArrayView<float> g, float limit)
    {
        float v = g[i];
        v = v < -limit ? -limit : v;
        g[i] = v > limit ? limit : v;
    }

    /// <summary>
    /// g (N): the L2 norm in double over the whole view (partials per thread, added in thread order by the
    /// first thread), then every thread scales its elements by maxNorm / norm when the norm exceeds maxNorm.
    /// One group; explicitly grouped, so the index comes from Group.
    /// </summary>
    internal static void ClipByNormKernel(ArrayView<float> g, float maxNorm)
    {
        ArrayView<double> partial = SharedMemory.Allocate<double>(ReductionGroup.MaxThreads);
        ref double norm = ref SharedMemory.Allocate<double>();
        int t = Group.IdxX, threads = Group.DimX;
        double sum = 0;
        for (long i = t; i < g.Length; i += threads)
        {
            sum += (double)g[i] * g[i];
        }

        partial[t] = sum;
        Group.Barrier();
        if (t == 0)
        {
            double total = 0;
            for (int i = 0; i < threads; i++)
            {
                total += partial[i];
            }

            norm = Math.Sqrt(total);
        }

        Group.Barrier();
        double n = norm;
        if (n > maxNorm)
        {
            float scale = (float)(maxNorm / n);
            for (long i = t; i < g.Length; i += threads)
            {
                g[i] *= scale;
            }
        }
    }

    /// <summary>x (N), result (1): 1 when no element is NaN or infinite (x * 0 is NaN exactly for those), else 0. One group.</summary>
    internal static void ClipAllFiniteKernel(ArrayView<float> x, ArrayView<float> result)
    {
        int t = Group.IdxX, threads = Group.DimX;
        bool bad = false;
        for (long i = t; i < x.Length; i += threads)
        {
            bad |= x[i] * 0f != 0f;
        }

        bool anyBad = Group.BarrierOr(bad);
        if (t == 0)
        {
            result[0] = anyBad ? 0f : 1f;
        }
    }
}
