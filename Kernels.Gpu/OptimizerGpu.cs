using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// Optimizer steps over the contiguous parameter view, one element per thread, with the CPU kernels'
/// operations in the CPU kernels' order (Keras' formulas; see <see cref="IBackend"/>).
/// </summary>
internal sealed class OptimizerGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int>? _sgd;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>? _adam;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float>? _rmsProp;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float>? _adagrad;

    /// <summary>p, g, v (N); v is unused (and may be any view) when momentum is 0.</summary>
    public void Sgd(ArrayView<float> p, ArrayView<float> g, ArrayView<float> v, float lr, float momentum, bool nesterov)
    {
        if (p.Length == 0)
        {
            return;
        }

        _sgd ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int>(OptimizerSgdKernel);
        _sgd((int)p.Length, p, g, v, lr, momentum, nesterov ? 1 : 0);
    }

    /// <summary>p, g, m, v (N) at step t, the bias correction folded into the step size on the host in double, as the CPU does.</summary>
    public void Adam(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, float lr, float beta1, float beta2, float epsilon, int step)
    {
        if (p.Length == 0)
        {
            return;
        }

        float alpha = (float)(lr * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step)));
        _adam ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>(OptimizerAdamKernel);
        _adam((int)p.Length, p, g, m, v, new AdamArgs(alpha, 1f - beta1, 1f - beta2, epsilon));
    }

    /// <summary>p, g, s (N).</summary>
    public void RmsProp(ArrayView<float> p, ArrayView<float> g, ArrayView<float> s, float lr, float rho, float epsilon)
    {
        if (p.Length == 0)
        {
            return;
        }

        _rmsProp ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float>(OptimizerRmsPropKernel);
        _rmsProp((int)p.Length, p, g, s, lr, rho, epsilon);
    }

    /// <summary>p, g, a (N).</summary>
    public void Adagrad(ArrayView<float> p, ArrayView<float> g, ArrayView<float> a, float lr, float epsilon)
    {
        if (p.Length == 0)
        {
            return;
        }

        _adagrad ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float>(OptimizerAdagradKernel);
        _adagrad((int)p.Length, p, g, a, lr, epsilon);
    }

    /// <summary>p, g, v (N): p -= lr g; or v = momentum v - lr g, then p += v (Nesterov: p += momentum v - lr g).</summary>
    internal static void OptimizerSgdKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> v, float lr, float momentum, int nesterov)
    {
        if (momentum == 0f)
        {
            p[i] -= lr * g[i];
            return;
        }

        float step = lr * g[i];
        float vel = (momentum * v[i]) - step;
        v[i] = vel;
        p[i] += nesterov != 0 ? (momentum * vel) - step : vel;
    }

    /// <summary>p, g, m, v (N): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); p -= alpha m / (sqrt(v) + eps).</summary>
    internal static void OptimizerAdamKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, AdamArgs args)
    {
        float gi = g[i];
        float mi = m[i] + ((gi - m[i]) * args.OneMinusBeta1);
        float vi = v[i] + (((gi * gi) - v[i]) * args.OneMinusBeta2);
        m[i] = mi;
        v[i] = vi;
        p[i] -= args.Alpha * mi / (MathF.Sqrt(vi) + args.Epsilon);
    }

    /// <summary>p, g, s (N): s = rho s + (1 - rho) g^2; p -= lr g / sqrt(s + eps).</summary>
    internal static void OptimizerRmsPropKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> s, float lr, float rho, float epsilon)
    {
        float gi = g[i];
        float si = (rho * s[i]) + ((1f - rho) * (gi * gi));
        s[i] = si;
        p[i] -= lr * gi / MathF.Sqrt(si + epsilon);
    }

    /// <summary>p, g, a (N): a += g^2; p -= lr g / sqrt(a + eps).</summary>
    internal static void OptimizerAdagradKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> a, float lr, float epsilon)
    {
        float gi = g[i];
        float ai = a[i] + (gi * gi);
        a[i] = ai;
        p[i] -= lr * gi / MathF.Sqrt(ai + epsilon);
    }
}
