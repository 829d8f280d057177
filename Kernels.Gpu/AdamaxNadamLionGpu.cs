using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Keras 3's Adamax, Nadam and Lion steps (<c>IBackend.Optimizers.cs</c>) over the contiguous parameter view, one element
/// per thread, with the CPU kernels' operations in the CPU kernels' order and the step-dependent factors folded on the
/// host in double as the CPU does.
/// </summary>
internal sealed class AdamaxNadamLionGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float>? _adamax;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NadamArgs>? _nadam;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float>? _lion;

    /// <summary>p, g, m, u (N) at step t.</summary>
    public void Adamax(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> u, float lr, float beta1, float beta2, float epsilon, int step)
    {
        if (p.Length == 0)
        {
            return;
        }

        float alpha = (float)(lr / (1 - Math.Pow(beta1, step)));
        _adamax ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float>(OptimizerAdamaxKernel);
        _adamax((int)p.Length, p, g, m, u, alpha, 1f - beta1, beta2, epsilon);
    }

    /// <summary>p, g, m, v (N) at step t, <paramref name="uProduct"/> = u_1 ... u_t.</summary>
    public void Nadam(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, float lr, float beta1, float beta2, float epsilon, int step, float uProduct)
    {
        if (p.Length == 0)
        {
            return;
        }

        double ut = beta1 * (1 - (0.5 * Math.Pow(0.96, step)));
        double next = beta1 * (1 - (0.5 * Math.Pow(0.96, step + 1)));
        var args = new NadamArgs(lr, 1f - beta1, 1f - beta2, (float)(next / (1 - (uProduct * next))), (float)((1 - ut) / (1 - uProduct)),
            (float)(1 - Math.Pow(beta2, step)), epsilon);
        _nadam ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, NadamArgs>(OptimizerNadamKernel);
        _nadam((int)p.Length, p, g, m, v, args);
    }

    /// <summary>p, g, m (N).</summary>
    public void Lion(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, float lr, float beta1, float beta2)
    {
        if (p.Length == 0)
        {
            return;
        }

        _lion ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float>(OptimizerLionKernel);
        _lion((int)p.Length, p, g, m, lr, beta1, beta2);
    }

    /// <summary>p, g, m, u (N): m += (g - m)(1 - b1); u = max(|g|, b2 u); p -= alpha m / (u + eps), alpha = lr / (1 - b1^t).</summary>
    internal static void OptimizerAdamaxKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> u,
        float alpha, float oneMinusBeta1, float beta2, float epsilon)
    {
        float gi = g[i];
        float mi = m[i] + ((gi - m[i]) * oneMinusBeta1);
        float ag = MathF.Abs(gi), decayed = beta2 * u[i];
        float ui = ag > decayed ? ag : decayed;
        m[i] = mi;
        u[i] = ui;
        p[i] -= alpha * mi / (ui + epsilon);
    }

    /// <summary>p, g, m, v (N): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); p -= (mf m + gf g) lr / (sqrt(v / c2) + eps).</summary>
    internal static void OptimizerNadamKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, NadamArgs args)
    {
        float gi = g[i];
        float mi = m[i] + ((gi - m[i]) * args.OneMinusBeta1);
        float vi = v[i] + (((gi * gi) - v[i]) * args.OneMinusBeta2);
        m[i] = mi;
        v[i] = vi;
        float mhat = (args.MomentumFactor * mi) + (args.GradientFactor * gi);
        p[i] -= mhat * args.LearningRate / (MathF.Sqrt(vi / args.SecondCorrection) + args.Epsilon);
    }

    /// <summary>p, g, m (N): p -= lr sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g (sign 0 at +-0, NaN at NaN).</summary>
    internal static void OptimizerLionKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, float lr, float beta1, float beta2)
    {
        float gi = g[i], mi = m[i];
        float x = (mi * beta1) + (gi * (1f - beta1));
        float sign = x > 0f ? 1f : 0f > x ? -1f : x;
        p[i] -= lr * sign;
        m[i] = (mi * beta2) + (gi * (1f - beta2));
    }
}
