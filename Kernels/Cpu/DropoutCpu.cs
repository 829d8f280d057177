using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu;

/// <summary>Inverted dropout with a counter-based mask, so any back end draws the same mask.</summary>
internal static class DropoutCpu
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const ulong Offset = 0x632BE59BD9B4E019UL;
    private const ulong Mix1 = 0xBF58476D1CE4E5B9UL;
    private const ulong Mix2 = 0x94D049BB133111EBUL;

    /// <summary>
    /// x, y, mask (N): mask[i] = Uniform(seed, stream + i) &gt;= rate ? 1 / (1 - rate) : 0; y = x * mask.
    /// The vector body evaluates <see cref="CounterRandom.Uniform"/> sixteen counters at a time with the
    /// same integer steps, so its bits match the scalar formula exactly.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<float> mask, float rate, ulong seed, ulong stream)
    {
        int n = x.Length;
        float keep = 1f / (1f - rate);
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float mr = ref MemoryMarshal.GetReference(mask);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<ulong> lanes = Vector512.Create(0UL, 1, 2, 3, 4, 5, 6, 7);
            Vector512<ulong> baseValue = Vector512.Create((seed * Golden) + Offset + stream);
            Vector512<float> vRate = Vector512.Create(rate), vKeep = Vector512.Create(keep);
            for (; i <= n - 16; i += 16)
            {
                Vector512<ulong> counter = baseValue + Vector512.Create((ulong)i) + lanes;
                Vector512<uint> bits = Vector512.Narrow(Mix(counter), Mix(counter + Vector512.Create(8UL)));
                Vector512<float> u = Vector512.ConvertToSingle(bits.AsInt32()) * (1.0f / 16777216.0f);
                Vector512<float> m = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(u, vRate), vKeep, Vector512<float>.Zero);
                m.StoreUnsafe(ref mr, (nuint)i);
                (Vector512.LoadUnsafe(ref xr, (nuint)i) * m).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float m = CounterRandom.Uniform(seed, stream + (ulong)i) >= rate ? keep : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }

    /// <summary>SplitMix64's finaliser, returning the top 24 bits.</summary>
    private static Vector512<ulong> Mix(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(Mix1);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(Mix2);
        z ^= Vector512.ShiftRightLogical(z, 31);
        return Vector512.ShiftRightLogical(z, 40);
    }

    /// <summary>dy, mask, dx (N): dx = dy * mask; dx may be dy.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> mask, Span<float> dx) =>
        System.Numerics.Tensors.TensorPrimitives.Multiply(dy, mask, dx);
}
