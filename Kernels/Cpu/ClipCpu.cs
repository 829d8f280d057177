using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu;

/// <summary>Gradient clipping and the finiteness check.</summary>
internal static class ClipCpu
{
    /// <summary>g (N) = clamp(g, -limit, limit).</summary>
    public static void ByValue(Span<float> g, float limit)
    {
        TensorPrimitives.Max(g, -limit, g);
        TensorPrimitives.Min(g, limit, g);
    }

    /// <summary>g (N) *= min(1, maxNorm / ||g||), the norm accumulated in double.</summary>
    public static void ByNorm(Span<float> g, float maxNorm)
    {
        double sum = 0;
        foreach (float v in g)
        {
            sum += (double)v * v;
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
        ref float xr = ref MemoryMarshal.GetReference(x);
        int i = 0;
        Vector256<float> probe = default;
        for (; i <= x.Length - 8; i += 8)
        {
            probe += Vector256.LoadUnsafe(ref xr, (nuint)i) * Vector256<float>.Zero;
        }

        float tail = 0f;
        for (; i < x.Length; i++)
        {
            tail += x[i] * 0f;
        }

        return Vector256.EqualsAll(probe, Vector256<float>.Zero) && tail == 0f;
    }
}
