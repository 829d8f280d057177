using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Keras 3's Adamax, Nadam and Lion steps (<c>IBackend.Optimizers.cs</c>) over an element range [start, end) of the
/// contiguous parameter view, each one pass generic over the vector width with a scalar tail that performs the same
/// operations in the same order (no fused multiply-add), as <see cref="OptimizerCpu"/> does for the older rules. The
/// step-dependent factors are folded on the host in double.
/// </summary>
internal static unsafe class AdamaxNadamLionCpu
{
    /// <summary>All bits but the sign: x &amp; AbsMask is |x|.</summary>
    private static readonly float s_absMask = BitConverter.Int32BitsToSingle(int.MaxValue);

    /// <summary>Adamax's step size at step t: lr / (1 - b1^t).</summary>
    public static float AdamaxAlpha(float lr, float beta1, int step) => (float)(lr / (1 - Math.Pow(beta1, step)));

    /// <summary>
    /// Nadam's factors at step t: m_hat = momentumFactor m + gradientFactor g with momentumFactor = u_{t+1} / (1 - uProduct
    /// u_{t+1}) and gradientFactor = (1 - u_t) / (1 - uProduct), u_t = b1 (1 - 0.5 * 0.96^t); and v_hat = v / (1 - b2^t).
    /// </summary>
    public static (float MomentumFactor, float GradientFactor, float SecondCorrection) NadamFactors(float beta1, float beta2, int step, float uProduct)
    {
        double ut = beta1 * (1 - (0.5 * Math.Pow(0.96, step)));
        double next = beta1 * (1 - (0.5 * Math.Pow(0.96, step + 1)));
        return ((float)(next / (1 - (uProduct * next))), (float)((1 - ut) / (1 - uProduct)), (float)(1 - Math.Pow(beta2, step)));
    }

    /// <summary>p, g, m, u (N): m += (g - m)(1 - b1); u = max(|g|, b2 u); p -= alpha m / (u + eps), alpha = <see cref="AdamaxAlpha"/>.</summary>
    public static void Adamax(float* p, float* g, float* m, float* u, int start, int end, float alpha, float beta1, float beta2, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: Adamax<V512>(p, g, m, u, start, end, alpha, 1f - beta1, beta2, epsilon); break;
            case 256: Adamax<V256>(p, g, m, u, start, end, alpha, 1f - beta1, beta2, epsilon); break;
            case 128: Adamax<V128>(p, g, m, u, start, end, alpha, 1f - beta1, beta2, epsilon); break;
            default: Adamax<V1>(p, g, m, u, start, end, alpha, 1f - beta1, beta2, epsilon); break;
        }
    }

    /// <summary>
    /// p, g, m, v (N): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); p -= (mf m + gf g) lr / (sqrt(v / c2) + eps), with the
    /// factors of <see cref="NadamFactors"/>.
    /// </summary>
    public static void Nadam(float* p, float* g, float* m, float* v, int start, int end, in NadamScalars s)
    {
        switch (SimdWidth.Current)
        {
            case 512: Nadam<V512>(p, g, m, v, start, end, s); break;
            case 256: Nadam<V256>(p, g, m, v, start, end, s); break;
            case 128: Nadam<V128>(p, g, m, v, start, end, s); break;
            default: Nadam<V1>(p, g, m, v, start, end, s); break;
        }
    }

    /// <summary>p, g, m (N): p -= lr sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g.</summary>
    public static void Lion(float* p, float* g, float* m, int start, int end, float lr, float beta1, float beta2)
    {
        switch (SimdWidth.Current)
        {
            case 512: Lion<V512>(p, g, m, start, end, lr, beta1, beta2); break;
            case 256: Lion<V256>(p, g, m, start, end, lr, beta1, beta2); break;
            case 128: Lion<V128>(p, g, m, start, end, lr, beta1, beta2); break;
            default: Lion<V1>(p, g, m, start, end, lr, beta1, beta2); break;
        }
    }

    private static void Adamax<TV>(float* p, float* g, float* m, float* u, int start, int end, float alpha, float c1, float beta2, float epsilon)
        where TV : struct, IVector<TV>
    {
        TV vc1 = TV.Create(c1), vb2 = TV.Create(beta2), va = TV.Create(alpha), ve = TV.Create(epsilon), abs = TV.Create(s_absMask);
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV gi = TV.Load(g + i), mi = TV.Load(m + i);
            mi += (gi - mi) * vc1;
            TV ag = gi & abs, decayed = vb2 * TV.Load(u + i);
            TV ui = TV.Select(TV.GreaterThan(ag, decayed), ag, decayed);
            mi.Store(m + i);
            ui.Store(u + i);
            (TV.Load(p + i) - (va * mi / (ui + ve))).Store(p + i);
        }

        for (; i < end; i++)
        {
            float gi = g[i];
            float mi = m[i] + ((gi - m[i]) * c1);
            float ag = MathF.Abs(gi), decayed = beta2 * u[i];
            float ui = ag > decayed ? ag : decayed;
            m[i] = mi;
            u[i] = ui;
            p[i] -= alpha * mi / (ui + epsilon);
        }
    }

    private static void Nadam<TV>(float* p, float* g, float* m, float* v, int start, int end, in NadamScalars s)
        where TV : struct, IVector<TV>
    {
        float c1 = s.OneMinusBeta1, c2 = s.OneMinusBeta2, mf = s.MomentumFactor, gf = s.GradientFactor, bc = s.SecondCorrection,
            lr = s.LearningRate, epsilon = s.Epsilon;
        TV vc1 = TV.Create(c1), vc2 = TV.Create(c2), vmf = TV.Create(mf), vgf = TV.Create(gf), vbc = TV.Create(bc), vlr = TV.Create(lr),
            ve = TV.Create(epsilon);
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV gi = TV.Load(g + i), mi = TV.Load(m + i), vi = TV.Load(v + i);
            mi += (gi - mi) * vc1;
            vi += ((gi * gi) - vi) * vc2;
            mi.Store(m + i);
            vi.Store(v + i);
            TV mhat = (vmf * mi) + (vgf * gi);
            (TV.Load(p + i) - (mhat * vlr / (TV.Sqrt(vi / vbc) + ve))).Store(p + i);
        }

        for (; i < end; i++)
        {
            float gi = g[i];
            float mi = m[i] + ((gi - m[i]) * c1);
            float vi = v[i] + (((gi * gi) - v[i]) * c2);
            m[i] = mi;
            v[i] = vi;
            float mhat = (mf * mi) + (gf * gi);
            p[i] -= mhat * lr / (MathF.Sqrt(vi / bc) + epsilon);
        }
    }

    private static void Lion<TV>(float* p, float* g, float* m, int start, int end, float lr, float beta1, float beta2)
        where TV : struct, IVector<TV>
    {
        float c1 = 1f - beta1, c2 = 1f - beta2;
        TV vb1 = TV.Create(beta1), vc1 = TV.Create(c1), vb2 = TV.Create(beta2), vc2 = TV.Create(c2), vlr = TV.Create(lr);
        TV one = TV.One, minusOne = TV.Zero - TV.One, zero = TV.Zero;
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV gi = TV.Load(g + i), mi = TV.Load(m + i);
            TV x = (mi * vb1) + (gi * vc1);

            // sign(x): 1 above 0, -1 below, x itself at +-0 and NaN.
            TV sign = TV.Select(TV.GreaterThan(x, zero), one, TV.Select(TV.GreaterThan(zero, x), minusOne, x));
            (TV.Load(p + i) - (vlr * sign)).Store(p + i);
            ((mi * vb2) + (gi * vc2)).Store(m + i);
        }

        for (; i < end; i++)
        {
            float gi = g[i], mi = m[i];
            float x = (mi * beta1) + (gi * c1);
            float sign = x > 0f ? 1f : 0f > x ? -1f : x;
            p[i] -= lr * sign;
            m[i] = (mi * beta2) + (gi * c2);
        }
    }

    /// <summary>The scalars of one Nadam step, the step-dependent ones folded on the host.</summary>
    internal readonly record struct NadamScalars(float LearningRate, float OneMinusBeta1, float OneMinusBeta2, float MomentumFactor,
        float GradientFactor, float SecondCorrection, float Epsilon);
}
