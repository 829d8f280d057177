using System.Numerics.Tensors;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>Gradient clipping and the finiteness check, one body per vector width (<see cref="SimdWidth"/>).</summary>
internal static unsafe class ClipCpu
{
    /// <summary>g (N) = clamp(g, -limit, limit). TensorPrimitives takes the hardware's widest path itself.</summary>
    public static void ByValue(Span<float> g, float limit)
    {
        TensorPrimitives.Max(g, -limit, g);
        TensorPrimitives.Min(g, limit, g);
    }

    /// <summary>
    /// g (N) *= min(1, maxNorm / ||g||). The squares are summed in double, lane by lane of the current width (so the
    /// norm's last bits depend on the width, never on anything else), then the lanes in order.
    /// </summary>
    public static void ByNorm(Span<float> g, float maxNorm)
    {
        double sum;
        fixed (float* p = g)
        {
            sum = SimdWidth.Pick(g.Length) switch
            {
                512 => SumOfSquares<V512>(p, g.Length),
                256 => SumOfSquares<V256>(p, g.Length),
                128 => SumOfSquares<V128>(p, g.Length),
                _ => SumOfSquares<V1>(p, g.Length),
            };
        }

        double norm = Math.Sqrt(sum);
        if (norm > maxNorm)
        {
            TensorPrimitives.Multiply(g, (float)(maxNorm / norm), g);
        }
    }

    /// <summary>x (N): true when no element is NaN or infinite; x * 0 is NaN exactly for those.</summary>
    public static bool AllFinite(ReadOnlySpan<float> x)
    {
        fixed (float* p = x)
        {
            return SimdWidth.Pick(x.Length) switch
            {
                512 => AllFinite<V512>(p, x.Length),
                256 => AllFinite<V256>(p, x.Length),
                128 => AllFinite<V128>(p, x.Length),
                _ => AllFinite<V1>(p, x.Length),
            };
        }
    }

    private static double SumOfSquares<TV>(float* g, int n)
        where TV : struct, IVector<TV>
    {
        // Per-lane double accumulators (the widening add also keeps plain sums, unused here).
        double* sums = stackalloc double[16];
        double* squares = stackalloc double[16];
        new Span<double>(sums, 16).Clear();
        new Span<double>(squares, 16).Clear();
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            TV.AddWidened(g + i, sums, squares);
        }

        double total = 0;
        for (int lane = 0; lane < TV.Count; lane++)
        {
            total += squares[lane];
        }

        for (; i < n; i++)
        {
            total += (double)g[i] * g[i];
        }

        return total;
    }

    private static bool AllFinite<TV>(float* x, int n)
        where TV : struct, IVector<TV>
    {
        TV probe = TV.Zero, zero = TV.Zero;
        int i = 0;
        for (; i <= n - TV.Count; i += TV.Count)
        {
            probe += TV.Load(x + i) * zero;
        }

        float tail = 0f;
        for (; i < n; i++)
        {
            tail += x[i] * 0f;
        }

        // A NaN lane makes the lane sum NaN, and NaN != 0.
        return TV.Sum(probe) == 0f && tail == 0f;
    }
}
