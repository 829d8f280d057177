using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>
/// The optimizer rules with a third state slot, Adam's AMSGrad form and RMSprop with momentum or centred, one element per
/// thread, with the CPU kernels' operations in the CPU kernels' order (<c>IBackend.Optimizers.cs</c>).
/// </summary>
internal sealed class AmsGradRmsPropGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>? _amsGrad;
    private Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RmsPropArgs>? _rmsProp;

    /// <summary>p, g, m, v, vHat (N) at step t, the bias correction folded into the step size on the host in double, as the CPU does.</summary>
    public void AmsGrad(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, ArrayView<float> vHat,
        float lr, float beta1, float beta2, float epsilon, int step)
    {
        if (p.Length == 0)
        {
            return;
        }

        float alpha = (float)(lr * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step)));
        _amsGrad ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, AdamArgs>(AmsGradKernel);
        _amsGrad((int)p.Length, p, g, m, v, vHat, new AdamArgs(alpha, 1f - beta1, 1f - beta2, epsilon));
    }

    /// <summary>p, g, s (N); mom (N) read when momentum is not 0 and average (N) when centred, else any view (p).</summary>
    public void RmsProp(ArrayView<float> p, ArrayView<float> g, ArrayView<float> s, ArrayView<float> mom, ArrayView<float> average,
        float lr, float rho, float momentum, float epsilon, bool centered)
    {
        if (p.Length == 0)
        {
            return;
        }

        _rmsProp ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, RmsPropArgs>(RmsPropKernel);
        _rmsProp((int)p.Length, p, g, s, mom, average, new RmsPropArgs(lr, rho, momentum, epsilon, centered ? 1 : 0));
    }

    /// <summary>m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); vHat = max(vHat, v); p -= alpha m / (sqrt(vHat) + eps).</summary>
    internal static void AmsGradKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, ArrayView<float> vHat, AdamArgs args)
    {
        float gi = g[i];
        float mi = m[i] + ((gi - m[i]) * args.OneMinusBeta1);
        float vi = v[i] + (((gi * gi) - v[i]) * args.OneMinusBeta2);
        float hi = vi > vHat[i] ? vi : vHat[i];
        m[i] = mi;
        v[i] = vi;
        vHat[i] = hi;
        p[i] -= args.Alpha * mi / (MathF.Sqrt(hi) + args.Epsilon);
    }

    /// <summary>
    /// s = rho s + (1 - rho) g^2; centred: a = rho a + (1 - rho) g, d = s - a^2 + eps, else d = s + eps; inc = lr g / sqrt(d);
    /// with momentum mom = momentum mom + inc, p -= mom, else p -= inc.
    /// </summary>
    internal static void RmsPropKernel(Index1D i, ArrayView<float> p, ArrayView<float> g, ArrayView<float> s, ArrayView<float> mom, ArrayView<float> average, RmsPropArgs args)
    {
        float gi = g[i];
        float c = 1f - args.Rho;
        float si = (args.Rho * s[i]) + (c * (gi * gi));
        s[i] = si;
        float denominator;
        if (args.Centered != 0)
        {
            float ai = (args.Rho * average[i]) + (c * gi);
            average[i] = ai;
            denominator = si - (ai * ai) + args.Epsilon;
        }
        else
        {
            denominator = si + args.Epsilon;
        }

        float increment = args.LearningRate * gi / MathF.Sqrt(denominator);
        if (args.Momentum != 0f)
        {
            increment = (args.Momentum * mom[i]) + increment;
            mom[i] = increment;
        }

        p[i] -= increment;
    }
}

/// <summary>The scalars of one RMSprop step with momentum or centred, passed as one kernel parameter.</summary>
/// <param name="LearningRate">The step size.</param>
/// <param name="Rho">Decay of the mean square (and of the mean gradient when centred).</param>
/// <param name="Momentum">The momentum factor; 0 for none.</param>
/// <param name="Epsilon">Added inside the square root.</param>
/// <param name="Centered">1 when the mean gradient's square is taken off the mean square, else 0.</param>
internal readonly record struct RmsPropArgs(float LearningRate, float Rho, float Momentum, float Epsilon, int Centered);
