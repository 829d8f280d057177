using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Optimizer steps over an element range [start, end) of the contiguous parameter view (so the pool splits them by
/// ranges), each one pass of arithmetic generic over the vector width, with a scalar tail that performs the same
/// operations in the same order (multiplies and adds kept apart: no fused multiply-add).
/// </summary>
internal static unsafe class OptimizerCpu
{
    /// <summary>p, g, v (N): p -= lr g; or v = momentum v - lr g, p += v (Nesterov: p += momentum v - lr g).</summary>
    public static void Sgd(float* p, float* g, float* v, int start, int end, float lr, float momentum, bool nesterov)
    {
        switch (SimdWidth.Current)
        {
            case 512: Sgd<V512>(p, g, v, start, end, lr, momentum, nesterov); break;
            case 256: Sgd<V256>(p, g, v, start, end, lr, momentum, nesterov); break;
            case 128: Sgd<V128>(p, g, v, start, end, lr, momentum, nesterov); break;
            default: Sgd<V1>(p, g, v, start, end, lr, momentum, nesterov); break;
        }
    }

    /// <summary>
    /// p, g, m, v (N): m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); p -= alpha m / (sqrt(v) + eps) with
    /// alpha = lr sqrt(1 - b2^t) / (1 - b1^t), the bias correction folded into the step size as Keras does. With vHat
    /// (N, AMSGrad; null for Adam): vHat = max(vHat, v), and the root is taken of vHat.
    /// </summary>
    public static void Adam(float* p, float* g, float* m, float* v, float* vHat, int start, int end, float alpha, float beta1, float beta2, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: Adam<V512>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
            case 256: Adam<V256>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
            case 128: Adam<V128>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
            default: Adam<V1>(p, g, m, v, vHat, start, end, alpha, 1f - beta1, 1f - beta2, epsilon); break;
        }
    }

    /// <summary>Adam's step size at step t: lr sqrt(1 - b2^t) / (1 - b1^t).</summary>
    public static float AdamAlpha(float lr, float beta1, float beta2, int step) =>
        (float)(lr * Math.Sqrt(1 - Math.Pow(beta2, step)) / (1 - Math.Pow(beta1, step)));

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

    /// <summary>p, g, a (N): a += g^2; p -= lr g / sqrt(a + eps).</summary>
    public static void Adagrad(float* p, float* g, float* a, int start, int end, float lr, float epsilon)
    {
        switch (SimdWidth.Current)
        {
            case 512: Adagrad<V512>(p, g, a, start, end, lr, epsilon); break;
            case 256: Adagrad<V256>(p, g, a, start, end, lr, epsilon); break;
            case 128: Adagrad<V128>(p, g, a, start, end, lr, epsilon); break;
            default: Adagrad<V1>(p, g, a, start, end, lr, epsilon); break;
        }
    }

    private static void Sgd<TV>(float* p, float* g, float* v, int start, int end, float lr, float momentum, bool nesterov)
        where TV : struct, IVector<TV>
    {
        int i = start;
        TV vlr = TV.Create(lr);
        if (momentum == 0f)
        {
            for (; i <= end - TV.Count; i += TV.Count)
            {
                (TV.Load(p + i) - (vlr * TV.Load(g + i))).Store(p + i);
            }

            for (; i < end; i++)
            {
                p[i] -= lr * g[i];
            }

            return;
        }

        TV vm = TV.Create(momentum);
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV step = vlr * TV.Load(g + i);
            TV vel = (vm * TV.Load(v + i)) - step;
            vel.Store(v + i);
            TV delta = nesterov ? (vm * vel) - step : vel;
            (TV.Load(p + i) + delta).Store(p + i);
        }

        for (; i < end; i++)
        {
            float step = lr * g[i];
            float vel = (momentum * v[i]) - step;
            v[i] = vel;
            p[i] += nesterov ? (momentum * vel) - step : vel;
        }
    }

    private static void Adam<TV>(float* p, float* g, float* m, float* v, float* vHat, int start, int end, float alpha, float c1, float c2, float epsilon)
        where TV : struct, IVector<TV>
    {
        TV vc1 = TV.Create(c1), vc2 = TV.Create(c2), va = TV.Create(alpha), ve = TV.Create(epsilon);
        bool amsgrad = vHat != null;
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV gi = TV.Load(g + i), mi = TV.Load(m + i), vi = TV.Load(v + i);
            mi += (gi - mi) * vc1;
            vi += ((gi * gi) - vi) * vc2;
            mi.Store(m + i);
            vi.Store(v + i);
            if (amsgrad)
            {
                TV hi = TV.Load(vHat + i);
                vi = TV.Select(TV.GreaterThan(vi, hi), vi, hi);
                vi.Store(vHat + i);
            }

            (TV.Load(p + i) - (va * mi / (TV.Sqrt(vi) + ve))).Store(p + i);
        }

        for (; i < end; i++)
        {
            float gi = g[i];
            float mi = m[i] + ((gi - m[i]) * c1);
            float vi = v[i] + (((gi * gi) - v[i]) * c2);
            m[i] = mi;
            v[i] = vi;
            if (amsgrad)
            {
                vi = vi > vHat[i] ? vi : vHat[i];
                vHat[i] = vi;
            }

            p[i] -= alpha * mi / (MathF.Sqrt(vi) + epsilon);
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

    private static void Adagrad<TV>(float* p, float* g, float* a, int start, int end, float lr, float epsilon)
        where TV : struct, IVector<TV>
    {
        TV vlr = TV.Create(lr), ve = TV.Create(epsilon);
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV gi = TV.Load(g + i);
            TV ai = TV.Load(a + i) + (gi * gi);
            ai.Store(a + i);
            (TV.Load(p + i) - (vlr * gi / TV.Sqrt(ai + ve))).Store(p + i);
        }

        for (; i < end; i++)
        {
            float gi = g[i];
            float ai = a[i] + (gi * gi);
            a[i] = ai;
            p[i] -= lr * gi / MathF.Sqrt(ai + epsilon);
        }
    }

    /// <summary>
    /// One optimizer rule over n parameters, split by element ranges (Adamax, Nadam and Lion in <see cref="AdamaxNadamLionCpu"/>,
    /// Adam's AMSGrad form in Adam's kernel, RMSprop's momentum and centred forms in RMSprop's).
    /// </summary>
    internal sealed class StepJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private enum Rule
        {
            Sgd,
            Adam,
            RmsProp,
            Adagrad,
            Adamax,
            Nadam,
            Lion,
        }

        private Rule _rule;
        private float* _p, _g, _s1, _s2, _s3;
        private float _lr, _a, _b, _epsilon;
        private bool _nesterov;
        private AdamaxNadamLionCpu.NadamScalars _nadam;

        public void Sgd(float* p, float* g, float* v, int n, float lr, float momentum, bool nesterov)
        {
            _rule = Rule.Sgd;
            _p = p;
            _g = g;
            _s1 = v;
            _lr = lr;
            _a = momentum;
            _nesterov = nesterov;
            Go(n, momentum == 0f ? 3 : 5);
        }

        public void Adam(float* p, float* g, float* m, float* v, int n, float alpha, float beta1, float beta2, float epsilon) =>
            AmsGrad(p, g, m, v, null, n, alpha, beta1, beta2, epsilon);

        /// <summary>Adam, or AMSGrad when vHat is not null.</summary>
        public void AmsGrad(float* p, float* g, float* m, float* v, float* vHat, int n, float alpha, float beta1, float beta2, float epsilon)
        {
            _rule = Rule.Adam;
            _p = p;
            _g = g;
            _s1 = m;
            _s2 = v;
            _s3 = vHat;
            (_lr, _a, _b, _epsilon) = (alpha, beta1, beta2, epsilon);
            Go(n, vHat == null ? 7 : 9);
        }

        public void RmsProp(float* p, float* g, float* s, int n, float lr, float rho, float epsilon) =>
            RmsProp(p, g, s, null, null, n, lr, rho, 0f, epsilon);

        public void Adagrad(float* p, float* g, float* a, int n, float lr, float epsilon)
        {
            _rule = Rule.Adagrad;
            _p = p;
            _g = g;
            _s1 = a;
            _lr = lr;
            _epsilon = epsilon;
            Go(n, 5);
        }

        public void Adamax(float* p, float* g, float* m, float* u, int n, float alpha, float beta1, float beta2, float epsilon)
        {
            _rule = Rule.Adamax;
            _p = p;
            _g = g;
            _s1 = m;
            _s2 = u;
            (_lr, _a, _b, _epsilon) = (alpha, beta1, beta2, epsilon);
            Go(n, 7);
        }

        public void Nadam(float* p, float* g, float* m, float* v, int n, in AdamaxNadamLionCpu.NadamScalars scalars)
        {
            _rule = Rule.Nadam;
            _p = p;
            _g = g;
            _s1 = m;
            _s2 = v;
            _nadam = scalars;
            Go(n, 7);
        }

        public void Lion(float* p, float* g, float* m, int n, float lr, float beta1, float beta2)
        {
            _rule = Rule.Lion;
            _p = p;
            _g = g;
            _s1 = m;
            (_lr, _a, _b) = (lr, beta1, beta2);
            Go(n, 5);
        }

        /// <summary>RMSprop with momentum (mom not null) and/or centred (average not null).</summary>
        public void RmsProp(float* p, float* g, float* s, float* mom, float* average, int n, float lr, float rho, float momentum, float epsilon)
        {
            _rule = Rule.RmsProp;
            _p = p;
            _g = g;
            _s1 = s;
            _s2 = mom;
            _s3 = average;
            (_lr, _a, _b, _epsilon) = (lr, rho, momentum, epsilon);
            Go(n, 5 + (mom == null ? 0 : 2) + (average == null ? 0 : 2));
        }

        protected override void Range(int start, int end)
        {
            switch (_rule)
            {
                case Rule.Sgd: OptimizerCpu.Sgd(_p, _g, _s1, start, end, _lr, _a, _nesterov); break;
                case Rule.Adam: OptimizerCpu.Adam(_p, _g, _s1, _s2, _s3, start, end, _lr, _a, _b, _epsilon); break;
                case Rule.RmsProp: OptimizerCpu.RmsProp(_p, _g, _s1, _s2, _s3, start, end, _lr, _a, _b, _epsilon); break;
                case Rule.Adagrad: OptimizerCpu.Adagrad(_p, _g, _s1, start, end, _lr, _epsilon); break;
                case Rule.Adamax: AdamaxNadamLionCpu.Adamax(_p, _g, _s1, _s2, start, end, _lr, _a, _b, _epsilon); break;
                case Rule.Nadam: AdamaxNadamLionCpu.Nadam(_p, _g, _s1, _s2, start, end, _nadam); break;
                default: AdamaxNadamLionCpu.Lion(_p, _g, _s1, start, end, _lr, _a, _b); break;
            }
        }

        /// <summary>Runs the rule over n elements (each touching <paramref name="floatsPerElement"/> floats read or written).</summary>
        private void Go(int n, int floatsPerElement)
        {
            Run(n, ElementGrain, (long)floatsPerElement * n);
            _p = _g = _s1 = _s2 = _s3 = null;
        }
    }
}
