using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// The optimizer rules with a third state slot (<c>IBackend.Optimizers.cs</c>): Keras 3's Adam with <c>amsgrad</c> and
/// RMSprop with <c>momentum</c> and/or <c>centered</c>, over an element range [start, end) of the contiguous parameter
/// view, each one pass generic over the vector width with a scalar tail that performs the same operations in the same
/// order (no fused multiply-add), as <see cref="OptimizerCpu"/> does for the plain rules.
/// </summary>
internal static unsafe class AmsGradRmsPropCpu
{
    /// <summary>
    /// p, g, m, v, vHat (N): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); vHat = max(vHat, v);
    /// p -= alpha m / (sqrt(vHat) + eps), alpha = <see cref="OptimizerCpu.AdamAlpha"/>.
    /// </summary>
    public static void AmsGrad(float* p, float* g, float* m, float* v, float* vHat, int start, int end, float alpha, float beta1, float beta2, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: AmsGrad<V512>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
            case 256: AmsGrad<V256>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
            case 128: AmsGrad<V128>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
            default: AmsGrad<V1>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
        }
    }

    /// <summary>
    /// p, g, s (N), and mom and a (N, or null when unused): s = rho s + (1 - rho) g^2; centred: a = rho a + (1 - rho) g and
    /// d = s - a^2 + eps, else d = s + eps; inc = lr g / sqrt(d); with momentum mom = momentum mom + inc, p -= mom; else p -= inc.
    /// </summary>
    public static void RmsProp(float* p, float* g, float* s, float* mom, float* a, int start, int end, float lr, float rho, float momentum, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: RmsProp<V512>(p, g, s, mom, a, start, end, lr, rho, momentum, epsilon); break;
            case 256: RmsProp<V256>(p, g, s, mom, a, start, end, lr, rho, momentum, epsilon); break;
            case 128: RmsProp<V128>(p, g, s, mom, a, start, end, lr, rho, momentum, epsilon); break;
            default: RmsProp<V1>(p, g, s, mom, a, start, end, lr, rho, momentum, epsilon); break;
        }
    }

    private static void AmsGrad<TV>(float* p, float* g, float* m, float* v, float* vHat, int start, int end, float alpha, float c1, float c2, float epsilon)
        where TV : struct, IVector<TV>
    {
        TV vc1 = TV.Create(c1), vc2 = TV.Create(c2), va = TV.Create(alpha), ve = TV.Create(epsilon);
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV gi = TV.Load(g + i), mi = TV.Load(m + i), vi = TV.Load(v + i), hi = TV.Load(vHat + i);
            mi += (gi - mi) * vc1;
            vi += ((gi * gi) - vi) * vc2;
            hi = TV.Select(TV.GreaterThan(vi, hi), vi, hi);
            mi.Store(m + i);
            vi.Store(v + i);
            hi.Store(vHat + i);
            (TV.Load(p + i) - (va * mi / (TV.Sqrt(hi) + ve))).Store(p + i);
        }

        for (; i < end; i++)
        {
            float gi = g[i];
            float mi = m[i] + ((gi - m[i]) * c1);
            float vi = v[i] + (((gi * gi) - v[i]) * c2);
            float hi = vi > vHat[i] ? vi : vHat[i];
            m[i] = mi;
            v[i] = vi;
            vHat[i] = hi;
            p[i] -= alpha * mi / (MathF.Sqrt(hi) + epsilon);
        }
    }

    private static void RmsProp<TV>(float* p, float* g, float* s, float* mom, float* a, int start, int end, float lr, float rho, float momentum, float epsilon)
        where TV : struct, IVector<TV>
    {
        float c = 1f - rho;
        bool centered = a != null, withMomentum = mom != null;
        TV vrho = TV.Create(rho), vc = TV.Create(c), vlr = TV.Create(lr), ve = TV.Create(epsilon), vm = TV.Create(momentum);
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV gi = TV.Load(g + i);
            TV si = (vrho * TV.Load(s + i)) + (vc * (gi * gi));
            si.Store(s + i);
            TV denominator;
            if (centered)
            {
                TV ai = (vrho * TV.Load(a + i)) + (vc * gi);
                ai.Store(a + i);
                denominator = si - (ai * ai) + ve;
            }
            else
            {
                denominator = si + ve;
            }

            TV increment = vlr * gi / TV.Sqrt(denominator);
            if (withMomentum)
            {
                increment = (vm * TV.Load(mom + i)) + increment;
                increment.Store(mom + i);
            }

            (TV.Load(p + i) - increment).Store(p + i);
        }

        for (; i < end; i++)
        {
            float gi = g[i];
            float si = (rho * s[i]) + (c * (gi * gi));
            s[i] = si;
            float denominator;
            if (centered)
            {
                float ai = (rho * a[i]) + (c * gi);
                a[i] = ai;
                denominator = si - (ai * ai) + epsilon;
            }
            else
            {
                denominator = si + epsilon;
            }

            float increment = lr * gi / MathF.Sqrt(denominator);
            if (withMomentum)
            {
                increment = (momentum * mom[i]) + increment;
                mom[i] = increment;
            }

            p[i] -= increment;
        }
    }
}
