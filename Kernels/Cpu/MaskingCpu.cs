using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Gemm;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Keras' Masking layer: a step (a row of F features) is padding when every feature equals the mask value. Both passes
/// work on a row range [start, end) of the (B T) steps, so the pool can split them by whole steps; a step's test and
/// its product touch only its own row, so the results do not depend on the split or the width.
/// </summary>
internal static unsafe class MaskingCpu
{
    /// <summary>
    /// x, y (N = B T, F), mask (N), steps [start, end): mask[n] = 1 where some x[n, f] != value (IEEE: a NaN is never
    /// equal), else 0; y[n] = x[n] * mask[n]. y may be x.
    /// </summary>
    public static void Forward(float* x, float* y, float* mask, int start, int end, int features, float value)
    {
        switch (SimdWidth.Current)
        {
            case 512: Forward<V512>(x, y, mask, start, end, features, value); break;
            case 256: Forward<V256>(x, y, mask, start, end, features, value); break;
            case 128: Forward<V128>(x, y, mask, start, end, features, value); break;
            default: Forward<V1>(x, y, mask, start, end, features, value); break;
        }
    }

    /// <summary>dy, dx (N = B T, F), mask (N), steps [start, end): dx[n] = dy[n] * mask[n]; dx may be dy.</summary>
    public static void Backward(float* dy, float* mask, float* dx, int start, int end, int features)
    {
        switch (SimdWidth.Current)
        {
            case 512: Backward<V512>(dy, mask, dx, start, end, features); break;
            case 256: Backward<V256>(dy, mask, dx, start, end, features); break;
            case 128: Backward<V128>(dy, mask, dx, start, end, features); break;
            default: Backward<V1>(dy, mask, dx, start, end, features); break;
        }
    }

    private static void Forward<TV>(float* x, float* y, float* mask, int start, int end, int features, float value)
        where TV : struct, IVector<TV>
    {
        for (int n = start; n < end; n++)
        {
            long row = (long)n * features;
            float m = Kept<TV>(x + row, features, value) ? 1f : 0f;
            mask[n] = m;
            Scale<TV>(x + row, y + row, features, m);
        }
    }

    private static void Backward<TV>(float* dy, float* mask, float* dx, int start, int end, int features)
        where TV : struct, IVector<TV>
    {
        for (int n = start; n < end; n++)
        {
            long row = (long)n * features;
            Scale<TV>(dy + row, dx + row, features, mask[n]);
        }
    }

    /// <summary>
    /// Whether some of the row's <paramref name="features"/> floats differs from <paramref name="value"/>: whole vectors
    /// of TV's width compared at once (stopping at the first that differs), the rest one at a time. IVector has no
    /// equality, so the width's own EqualsAll is picked by TV; the JIT folds the type tests to one branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Kept<TV>(float* row, int features, float value)
        where TV : struct, IVector<TV>
    {
        int j = 0;
        if (typeof(TV) == typeof(V512))
        {
            var v = Vector512.Create(value);
            for (; j <= features - Vector512<float>.Count; j += Vector512<float>.Count)
            {
                if (!Vector512.EqualsAll(Vector512.Load(row + j), v))
                {
                    return true;
                }
            }
        }
        else if (typeof(TV) == typeof(V256))
        {
            var v = Vector256.Create(value);
            for (; j <= features - Vector256<float>.Count; j += Vector256<float>.Count)
            {
                if (!Vector256.EqualsAll(Vector256.Load(row + j), v))
                {
                    return true;
                }
            }
        }
        else if (typeof(TV) == typeof(V128))
        {
            var v = Vector128.Create(value);
            for (; j <= features - Vector128<float>.Count; j += Vector128<float>.Count)
            {
                if (!Vector128.EqualsAll(Vector128.Load(row + j), v))
                {
                    return true;
                }
            }
        }

        for (; j < features; j++)
        {
            if (row[j] != value)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>y = x * m over one row of <paramref name="features"/> floats; y may be x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale<TV>(float* x, float* y, int features, float m)
        where TV : struct, IVector<TV>
    {
        var vm = TV.Create(m);
        int j = 0;
        for (; j <= features - TV.Count; j += TV.Count)
        {
            (TV.Load(x + j) * vm).Store(y + j);
        }

        for (; j < features; j++)
        {
            y[j] = x[j] * m;
        }
    }

    /// <summary><see cref="Forward(float*, float*, float*, int, int, int, float)"/> over N steps, split by whole steps.</summary>
    internal sealed class ForwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _x, _y, _mask;
        private int _features;
        private float _value;

        public void Run(float* x, float* y, float* mask, int steps, int features, float value)
        {
            _x = x;
            _y = y;
            _mask = mask;
            _features = features;
            _value = value;
            Run(steps, 1, 2L * steps * features);
            _x = _y = _mask = null;
        }

        protected override void Range(int start, int end) => Forward(_x, _y, _mask, start, end, _features, _value);
    }

    /// <summary><see cref="Backward(float*, float*, float*, int, int, int)"/> over N steps, split by whole steps.</summary>
    internal sealed class BackwardJob(GemmCpu gemm) : CpuJob(gemm)
    {
        private float* _dy, _mask, _dx;
        private int _features;

        public void Run(float* dy, float* mask, float* dx, int steps, int features)
        {
            _dy = dy;
            _mask = mask;
            _dx = dx;
            _features = features;
            Run(steps, 1, 2L * steps * features);
            _dy = _mask = _dx = null;
        }

        protected override void Range(int start, int end) => Backward(_dy, _mask, _dx, start, end, _features);
    }
}
