using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Optimizer steps over the contiguous parameter view, each one pass of SIMD arithmetic (Vector512 where
/// accelerated, else Vector256) with a scalar tail that performs the same operations in the same order.
/// </summary>
internal static class OptimizerCpu
{
    /// <summary>p, g, v (N): p -= lr g; or v = momentum v - lr g, p += v (Nesterov: p += momentum v - lr g).</summary>
    public static void Sgd(Span<float> p, ReadOnlySpan<float> g, Span<float> v, float lr, float momentum, bool nesterov)
    {
        int n = p.Length, i = 0;
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        if (momentum == 0f)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                for (; i <= n - 16; i += 16)
                {
                    (Vector512.LoadUnsafe(ref pr, (nuint)i) - (Vector512.Create(lr) * Vector512.LoadUnsafe(ref gr, (nuint)i))).StoreUnsafe(ref pr, (nuint)i);
                }
            }

            for (; i <= n - 8; i += 8)
            {
                (Vector256.LoadUnsafe(ref pr, (nuint)i) - (Vector256.Create(lr) * Vector256.LoadUnsafe(ref gr, (nuint)i))).StoreUnsafe(ref pr, (nuint)i);
            }

            for (; i < n; i++)
            {
                p[i] -= lr * g[i];
            }

            return;
        }

        ref float vr = ref MemoryMarshal.GetReference(v);
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> vm = Vector512.Create(momentum), vlr = Vector512.Create(lr);
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> step = vlr * Vector512.LoadUnsafe(ref gr, (nuint)i);
                Vector512<float> vel = (vm * Vector512.LoadUnsafe(ref vr, (nuint)i)) - step;
                vel.StoreUnsafe(ref vr, (nuint)i);
                Vector512<float> delta = nesterov ? (vm * vel) - step : vel;
                (Vector512.LoadUnsafe(ref pr, (nuint)i) + delta).StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i <= n - 8; i += 8)
        {
            Vector256<float> step = Vector256.Create(lr) * Vector256.LoadUnsafe(ref gr, (nuint)i);
            Vector256<float> vel = (Vector256.Create(momentum) * Vector256.LoadUnsafe(ref vr, (nuint)i)) - step;
            vel.StoreUnsafe(ref vr, (nuint)i);
            Vector256<float> delta = nesterov ? (Vector256.Create(momentum) * vel) - step : vel;
            (Vector256.LoadUnsafe(ref pr, (nuint)i) + delta).StoreUnsafe(ref pr, (nuint)i);
        }

        for (; i < n; i++)
        {
            float step = lr * g[i];
            float vel = (momentum * v[i]) - step;
            v[i] = vel;
            p[i] += nesterov ? (momentum * vel) - step : vel;
        }
    }

    /// <summary>
    /// p, g, m, v (N): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); p -= alpha m / (sqrt(v) + eps) with
    /// alpha = lr sqrt(1 - b2^t) / (1 - b1^t), the bias correction folded into the step size as Keras does.
    /// </summary>
    public static void Adam(Span<float> p, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float lr, float beta1, float beta2, float epsilon, int step)
    {
        float alpha = (float)(lr * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step)));
        float c1 = 1f - beta1, c2 = 1f - beta2;
        int n = p.Length, i = 0;
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> gi = Vector512.LoadUnsafe(ref gr, (nuint)i);
                Vector512<float> mi = Vector512.LoadUnsafe(ref mr, (nuint)i);
                Vector512<float> vi = Vector512.LoadUnsafe(ref vr, (nuint)i);
                mi += (gi - mi) * Vector512.Create(c1);
                vi += ((gi * gi) - vi) * Vector512.Create(c2);
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                Vector512<float> update = Vector512.Create(alpha) * mi / (Vector512.Sqrt(vi) + Vector512.Create(epsilon));
                (Vector512.LoadUnsafe(ref pr, (nuint)i) - update).StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i <= n - 8; i += 8)
        {
            Vector256<float> gi = Vector256.LoadUnsafe(ref gr, (nuint)i);
            Vector256<float> mi = Vector256.LoadUnsafe(ref mr, (nuint)i);
            Vector256<float> vi = Vector256.LoadUnsafe(ref vr, (nuint)i);
            mi += (gi - mi) * Vector256.Create(c1);
            vi += ((gi * gi) - vi) * Vector256.Create(c2);
            mi.StoreUnsafe(ref mr, (nuint)i);
            vi.StoreUnsafe(ref vr, (nuint)i);
            Vector256<float> update = Vector256.Create(alpha) * mi / (Vector256.Sqrt(vi) + Vector256.Create(epsilon));
            (Vector256.LoadUnsafe(ref pr, (nuint)i) - update).StoreUnsafe(ref pr, (nuint)i);
        }

        for (; i < n; i++)
        {
            float gi = g[i];
            float mi = m[i] + ((gi - m[i]) * c1);
            float vi = v[i] + (((gi * gi) - v[i]) * c2);
            m[i] = mi;
            v[i] = vi;
            p[i] -= alpha * mi / (MathF.Sqrt(vi) + epsilon);
        }
    }

    /// <summary>p, g, s (N): s = rho s + (1 - rho) g^2; p -= lr g / sqrt(s + eps).</summary>
    public static void RmsProp(Span<float> p, ReadOnlySpan<float> g, Span<float> s, float lr, float rho, float epsilon)
    {
        float c = 1f - rho;
        int n = p.Length, i = 0;
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float sr = ref MemoryMarshal.GetReference(s);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> gi = Vector512.LoadUnsafe(ref gr, (nuint)i);
                Vector512<float> si = (Vector512.Create(rho) * Vector512.LoadUnsafe(ref sr, (nuint)i)) + (Vector512.Create(c) * (gi * gi));
                si.StoreUnsafe(ref sr, (nuint)i);
                Vector512<float> update = Vector512.Create(lr) * gi / Vector512.Sqrt(si + Vector512.Create(epsilon));
                (Vector512.LoadUnsafe(ref pr, (nuint)i) - update).StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i <= n - 8; i += 8)
        {
            Vector256<float> gi = Vector256.LoadUnsafe(ref gr, (nuint)i);
            Vector256<float> si = (Vector256.Create(rho) * Vector256.LoadUnsafe(ref sr, (nuint)i)) + (Vector256.Create(c) * (gi * gi));
            si.StoreUnsafe(ref sr, (nuint)i);
            Vector256<float> update = Vector256.Create(lr) * gi / Vector256.Sqrt(si + Vector256.Create(epsilon));
            (Vector256.LoadUnsafe(ref pr, (nuint)i) - update).StoreUnsafe(ref pr, (nuint)i);
        }

        for (; i < n; i++)
        {
            float gi = g[i];
            float si = (rho * s[i]) + (c * (gi * gi));
            s[i] = si;
            p[i] -= lr * gi / MathF.Sqrt(si + epsilon);
        }
    }

    /// <summary>p, g, a (N): a += g^2; p -= lr g / sqrt(a + eps).</summary>
    public static void Adagrad(Span<float> p, ReadOnlySpan<float> g, Span<float> a, float lr, float epsilon)
    {
        int n = p.Length, i = 0;
        ref float pr = ref MemoryMarshal.GetReference(p);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float ar = ref MemoryMarshal.GetReference(a);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - 16; i += 16)
            {
                Vector512<float> gi = Vector512.LoadUnsafe(ref gr, (nuint)i);
                Vector512<float> ai = Vector512.LoadUnsafe(ref ar, (nuint)i) + (gi * gi);
                ai.StoreUnsafe(ref ar, (nuint)i);
                Vector512<float> update = Vector512.Create(lr) * gi / Vector512.Sqrt(ai + Vector512.Create(epsilon));
                (Vector512.LoadUnsafe(ref pr, (nuint)i) - update).StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i <= n - 8; i += 8)
        {
            Vector256<float> gi = Vector256.LoadUnsafe(ref gr, (nuint)i);
            Vector256<float> ai = Vector256.LoadUnsafe(ref ar, (nuint)i) + (gi * gi);
            ai.StoreUnsafe(ref ar, (nuint)i);
            Vector256<float> update = Vector256.Create(lr) * gi / Vector256.Sqrt(ai + Vector256.Create(epsilon));
            (Vector256.LoadUnsafe(ref pr, (nuint)i) - update).StoreUnsafe(ref pr, (nuint)i);
        }

        for (; i < n; i++)
        {
            float gi = g[i];
            float ai = a[i] + (gi * gi);
            a[i] = ai;
            p[i] -= lr * gi / MathF.Sqrt(ai + epsilon);
        }
    }
}
