using System.Runtime.CompilerServices;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Inverted dropout with a counter-based mask, so any back end draws the same mask. Both passes work on an element
/// range [start, end) of the whole buffer, so the pool can split them; element i always draws counter stream + i.
/// </summary>
internal static unsafe class DropoutCpu
{
    /// <summary>
    /// x, y, mask (N), elements [start, end): mask[i] = Uniform(seed, stream + i) &gt;= rate ? 1 / (1 - rate) : 0; y = x * mask.
    /// Each width evaluates <see cref="CounterRandom.Uniform"/> for a vector of counters with the same integer steps
    /// (<see cref="IVector{TSelf}.CounterUniform"/>), so the mask is bit for bit the scalar formula at every width and in every split.
    /// </summary>
    public static void Forward(float* x, float* y, float* mask, int start, int end, float rate, ulong seed, ulong stream)
    {
        ulong first = CounterMix.Start(seed, stream);
        float keep = 1f / (1f - rate);
        switch (SimdWidth.Current)
        {
            case 512: Forward<V512>(x, y, mask, start, end, rate, keep, first); break;
            case 256: Forward<V256>(x, y, mask, start, end, rate, keep, first); break;
            case 128: Forward<V128>(x, y, mask, start, end, rate, keep, first); break;
            default: Forward<V1>(x, y, mask, start, end, rate, keep, first); break;
        }
    }

    /// <summary>dy, mask, dx (N), elements [start, end): dx = dy * mask; dx may be dy.</summary>
    public static void Backward(float* dy, float* mask, float* dx, int start, int end)
    {
        switch (SimdWidth.Current)
        {
            case 512: Backward<V512>(dy, mask, dx, start, end); break;
            case 256: Backward<V256>(dy, mask, dx, start, end); break;
            case 128: Backward<V128>(dy, mask, dx, start, end); break;
            default: Backward<V1>(dy, mask, dx, start, end); break;
        }
    }

    /// <summary>The forward pass over [start, end) in vectors of TV, the rest one lane at a time; first = seed * golden + offset + stream.</summary>
    private static void Forward<TV>(float* x, float* y, float* mask, int start, int end, float rate, float keep, ulong first)
        where TV : struct, IVector<TV>
    {
        TV vRate = TV.Create(rate), vKeep = TV.Create(keep);
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            // keep where u >= rate, 0 elsewhere: the compare's all-ones lanes pick keep's bits.
            TV m = TV.GreaterThanOrEqual(TV.CounterUniform(first + (ulong)i), vRate) & vKeep;
            m.Store(mask + i);
            (TV.Load(x + i) * m).Store(y + i);
        }

        for (; i < end; i++)
        {
            float m = CounterMix.Top24(first + (ulong)i) * CounterMix.Scale >= rate ? keep : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Backward<TV>(float* dy, float* mask, float* dx, int start, int end)
        where TV : struct, IVector<TV>
    {
        int i = start;
        for (; i <= end - TV.Count; i += TV.Count)
        {
            (TV.Load(dy + i) * TV.Load(mask + i)).Store(dx + i);
        }

        for (; i < end; i++)
        {
            dx[i] = dy[i] * mask[i];
        }
    }

    /// <summary><see cref="Forward(float*, float*, float*, int, int, float, ulong, ulong)"/> over n elements, split by element ranges.</summary>
    internal sealed class ForwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _y, _mask;
        private float _rate;
        private ulong _seed, _stream;

        public void Run(float* x, float* y, float* mask, int n, float rate, ulong seed, ulong stream)
        {
            _x = x;
            _y = y;
            _mask = mask;
            _rate = rate;
            _seed = seed;
            _stream = stream;
            Run(n, ElementGrain, 3L * n);
            _x = _y = _mask = null;
        }

        protected override void Range(int start, int end) => Forward(_x, _y, _mask, start, end, _rate, _seed, _stream);
    }

    /// <summary><see cref="Backward(float*, float*, float*, int, int)"/> over n elements, split by element ranges.</summary>
    internal sealed class BackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _dy, _mask, _dx;

        public void Run(float* dy, float* mask, float* dx, int n)
        {
            _dy = dy;
            _mask = mask;
            _dx = dx;
            Run(n, ElementGrain, 3L * n);
            _dy = _mask = _dx = null;
        }

        protected override void Range(int start, int end) => Backward(_dy, _mask, _dx, start, end);
    }
}
