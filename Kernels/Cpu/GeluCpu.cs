using System.Runtime.CompilerServices;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// GELU in its exact form, x Phi(x), and its derivative Phi(x) + x phi(x), written once over <see cref="IVector{TSelf}"/>.
/// Phi comes from Cephes' single-precision erf and erfc (S. L. Moshier): with t = |x| / sqrt 2, erf(t) = t T(t^2) below 1,
/// and above it erfc(t) = exp(-t^2) P(1/t^2) / t on [1, 2) and exp(-t^2) R(1/t^2) / t from 2 on (within about 1e-7 absolutely).
/// The negative side takes 0.5 erfc(t) directly, so a small Phi keeps its relative digits instead of cancelling in 1 - erf.
/// Both halves are computed and each lane picks one: no branch.
/// </summary>
internal static unsafe class GeluCpu
{
    private const float InvSqrt2 = 0.70710678118654752f;

    /// <summary>1 / sqrt(2 pi), phi's constant.</summary>
    private const float InvSqrt2Pi = 0.39894228040143268f;

    /// <summary>x, y (N), elements [start, end): y = x Phi(x); y may be x.</summary>
    public static void Forward(float* x, float* y, int start, int end)
    {
        switch (SimdWidth.Current)
        {
            case 512: Forward<V512>(x, y, start, end); break;
            case 256: Forward<V256>(x, y, start, end); break;
            case 128: Forward<V128>(x, y, start, end); break;
            default: Forward<V1>(x, y, start, end); break;
        }
    }

    /// <summary>x, dy, dx (N), elements [start, end): dx = dy (Phi(x) + x phi(x)); dx may be dy.</summary>
    public static void Backward(float* x, float* dy, float* dx, int start, int end)
    {
        switch (SimdWidth.Current)
        {
            case 512: Backward<V512>(x, dy, dx, start, end); break;
            case 256: Backward<V256>(x, dy, dx, start, end); break;
            case 128: Backward<V128>(x, dy, dx, start, end); break;
            default: Backward<V1>(x, dy, dx, start, end); break;
        }
    }

    private static void Forward<TV>(float* x, float* y, int start, int end)
        where TV : struct, IVector<TV>
    {
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV v = TV.Load(x + i);
            (v * Phi(v, out _)).Store(y + i);
        }

        for (; i < end; i++)
        {
            V1 v = V1.Create(x[i]);
            (v * Phi(v, out _)).Store(y + i);
        }
    }

    private static void Backward<TV>(float* x, float* dy, float* dx, int start, int end)
        where TV : struct, IVector<TV>
    {
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            TV v = TV.Load(x + i);
            TV cdf = Phi(v, out TV gauss);
            (TV.Load(dy + i) * TV.FusedMultiplyAdd(v * TV.Create(InvSqrt2Pi), gauss, cdf)).Store(dx + i);
        }

        for (; i < end; i++)
        {
            V1 v = V1.Create(x[i]);
            V1 cdf = Phi(v, out V1 gauss);
            (V1.Load(dy + i) * V1.FusedMultiplyAdd(v * V1.Create(InvSqrt2Pi), gauss, cdf)).Store(dx + i);
        }
    }

    /// <summary>
    /// Phi(x), the standard normal distribution function, per lane, and <paramref name="gauss"/> = exp(-x^2 / 2) (phi
    /// without its constant). NaN for NaN; 0 and 1 at the infinities.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV Phi<TV>(TV x, out TV gauss)
        where TV : struct, IVector<TV>
    {
        TV half = TV.Create(0.5f);
        TV negative = TV.GreaterThan(TV.Zero, x);
        TV t = TV.Select(negative, TV.Zero - x, x) * TV.Create(InvSqrt2);
        TV z = t * t;
        gauss = VectorMath.Exp(TV.Zero - z);

        // erf(t) = t T(t^2) for t < 1.
        TV p = TV.FusedMultiplyAdd(TV.Create(7.853861353153693e-5f), z, TV.Create(-8.010193625184903e-4f));
        p = TV.FusedMultiplyAdd(p, z, TV.Create(5.188327685732524e-3f));
        p = TV.FusedMultiplyAdd(p, z, TV.Create(-2.685381193529856e-2f));
        p = TV.FusedMultiplyAdd(p, z, TV.Create(1.128358514861418e-1f));
        p = TV.FusedMultiplyAdd(p, z, TV.Create(-3.761262582423300e-1f));
        p = TV.FusedMultiplyAdd(p, z, TV.Create(1.128379165726710f));
        TV halfErf = half * (t * p);

        // erfc(t) = exp(-t^2) q P(q^2) on [1, 2) and exp(-t^2) q R(q^2) from 2 on, q = 1 / t (t raised to 1 below, unused there).
        TV small = TV.GreaterThan(TV.One, t);
        TV q = TV.One / TV.Select(small, TV.One, t);
        TV q2 = q * q;
        TV near = TV.FusedMultiplyAdd(TV.Create(2.326819970068386e-2f), q2, TV.Create(-1.387039388740657e-1f));
        near = TV.FusedMultiplyAdd(near, q2, TV.Create(3.687424674597105e-1f));
        near = TV.FusedMultiplyAdd(near, q2, TV.Create(-5.824733027278666e-1f));
        near = TV.FusedMultiplyAdd(near, q2, TV.Create(6.210004621745983e-1f));
        near = TV.FusedMultiplyAdd(near, q2, TV.Create(-4.944515323274145e-1f));
        near = TV.FusedMultiplyAdd(near, q2, TV.Create(3.404879937665872e-1f));
        near = TV.FusedMultiplyAdd(near, q2, TV.Create(-2.741127028184656e-1f));
        near = TV.FusedMultiplyAdd(near, q2, TV.Create(5.638259427386472e-1f));
        TV far = TV.FusedMultiplyAdd(TV.Create(-1.047766399936249e1f), q2, TV.Create(1.297719955372516e1f));
        far = TV.FusedMultiplyAdd(far, q2, TV.Create(-7.495518717768503f));
        far = TV.FusedMultiplyAdd(far, q2, TV.Create(2.921019019210786f));
        far = TV.FusedMultiplyAdd(far, q2, TV.Create(-1.015265279202700f));
        far = TV.FusedMultiplyAdd(far, q2, TV.Create(4.218463358204948e-1f));
        far = TV.FusedMultiplyAdd(far, q2, TV.Create(-2.820767439740514e-1f));
        far = TV.FusedMultiplyAdd(far, q2, TV.Create(5.641895067754075e-1f));
        TV halfErfc = half * gauss * q * TV.Select(TV.GreaterThanOrEqual(t, TV.Create(2f)), far, near);

        // Phi(x) = 0.5 (1 + erf(t)) for x >= 0, 0.5 erfc(t) for x < 0.
        TV upper = TV.Select(small, half + halfErf, TV.One - halfErfc);
        TV lower = TV.Select(small, half - halfErf, halfErfc);
        return TV.Select(negative, lower, upper);
    }

    /// <summary><see cref="Forward(float*, float*, int, int)"/> over n elements, split by element ranges.</summary>
    internal sealed class ForwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _y;

        public void Run(float* x, float* y, int n)
        {
            _x = x;
            _y = y;
            Run(n, ElementGrain, 2L * n * 8);
            _x = _y = null;
        }

        protected override void Range(int start, int end) => Forward(_x, _y, start, end);
    }

    /// <summary><see cref="Backward(float*, float*, float*, int, int)"/> over n elements, split by element ranges.</summary>
    internal sealed class BackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _dy, _dx;

        public void Run(float* x, float* dy, float* dx, int n)
        {
            _x = x;
            _dy = dy;
            _dx = dx;
            Run(n, ElementGrain, 3L * n * 8);
            _x = _dy = _dx = null;
        }

        protected override void Range(int start, int end) => Backward(_x, _dy, _dx, start, end);
    }
}
