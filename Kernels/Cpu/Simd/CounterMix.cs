using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelGen.Kernels.Cpu.Simd;

/// <summary>
/// SplitMix64's finaliser in 64-bit integer lanes for <see cref="IVector{TSelf}.CounterUniform"/>, at each width, bit
/// for bit <see cref="CounterRandom.Uniform"/>. AVX2 and SSE have no 64-bit multiply: it is built from pmuludq's
/// 32 x 32 -> 64 low x low product plus the two cross terms from one pmulld, shifted up; elsewhere (ARM64) .NET's own
/// ulong multiply.
/// </summary>
internal static class CounterMix
{
    public const ulong Golden = 0x9E3779B97F4A7C15UL;
    public const ulong Offset = 0x632BE59BD9B4E019UL;
    private const ulong Mix1 = 0xBF58476D1CE4E5B9UL;
    private const ulong Mix2 = 0x94D049BB133111EBUL;

    /// <summary>2^-24: the 24 random bits as a float in [0, 1).</summary>
    public const float Scale = 1.0f / 16777216.0f;

    /// <summary>The start of the lanes for counter <paramref name="counter"/>: seed * golden + offset + counter (wrapping).</summary>
    public static ulong Start(ulong seed, ulong counter) => (seed * Golden) + Offset + counter;

    /// <summary>The top 24 bits of the finalised z (z ^= z &gt;&gt; 31 leaves them unchanged, so it is skipped).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Top24(ulong z)
    {
        z = (z ^ (z >> 30)) * Mix1;
        z = (z ^ (z >> 27)) * Mix2;
        return z >> 40;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<ulong> Top24(Vector512<ulong> z)
    {
        z = (z ^ Vector512.ShiftRightLogical(z, 30)) * Vector512.Create(Mix1);
        z = (z ^ Vector512.ShiftRightLogical(z, 27)) * Vector512.Create(Mix2);
        return Vector512.ShiftRightLogical(z, 40);
    }

    /// <summary>
    /// The uniforms of counters start + 0 .. 7 in order. The even counters run in one vector of 64-bit lanes and the odd
    /// in another, so the two sets of 24 bits meet in place: the even ones shifted down into each lane's low dword, the
    /// odd ones (the high dword, shifted down 8 within it) blended into the high dword. That replaces a Narrow (three
    /// unpacks and a cross-lane permute on AVX2) by a shift each and one blend.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Uniform(Vector256<ulong> start)
    {
        Vector256<ulong> even = Mix(start + Vector256.Create(0UL, 2UL, 4UL, 6UL));
        Vector256<ulong> odd = Mix(start + Vector256.Create(1UL, 3UL, 5UL, 7UL));
        Vector256<int> low = Vector256.ShiftRightLogical(even, 40).AsInt32(), high = Vector256.ShiftRightLogical(odd.AsUInt32(), 8).AsInt32();
        Vector256<int> bits = Avx2.IsSupported
            ? Avx2.Blend(low, high, 0b10101010)
            : Vector256.ConditionalSelect(Vector256.Create(0, -1, 0, -1, 0, -1, 0, -1), high, low);
        return Vector256.ConvertToSingle(bits) * Scale;
    }

    /// <summary>The uniforms of counters start + 0 .. 3 in order, as the 256-bit form (even and odd counters in two vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Uniform(Vector128<ulong> start)
    {
        Vector128<ulong> even = Mix(start + Vector128.Create(0UL, 2UL));
        Vector128<ulong> odd = Mix(start + Vector128.Create(1UL, 3UL));
        Vector128<int> low = Vector128.ShiftRightLogical(even, 40).AsInt32(), high = Vector128.ShiftRightLogical(odd.AsUInt32(), 8).AsInt32();
        Vector128<int> bits = Sse41.IsSupported
            ? Sse41.Blend(low.AsUInt16(), high.AsUInt16(), 0b11001100).AsInt32()
            : Vector128.ConditionalSelect(Vector128.Create(0, -1, 0, -1), high, low);
        return Vector128.ConvertToSingle(bits) * Scale;
    }

    /// <summary>The finalised z with its top 24 bits as SplitMix64 has them (the last xor-shift skipped, as in <see cref="Top24(ulong)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z = Multiply(z ^ Vector256.ShiftRightLogical(z, 30), Mix1);
        return Multiply(z ^ Vector256.ShiftRightLogical(z, 27), Mix2);
    }

    /// <summary>The finalised z, as the 256-bit form.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Mix(Vector128<ulong> z)
    {
        z = Multiply(z ^ Vector128.ShiftRightLogical(z, 30), Mix1);
        return Multiply(z ^ Vector128.ShiftRightLogical(z, 27), Mix2);
    }

    /// <summary>
    /// a * c mod 2^64 per lane: lo(a) lo(c) + ((lo(a) hi(c) + hi(a) lo(c)) &lt;&lt; 32). The cross terms count only mod 2^32,
    /// so one pmulld of a by c with its halves swapped makes both (lo(a) hi(c) in the low dword, hi(a) lo(c) in the
    /// high), and adding the lane shifted down a dword sums them in the low dword: one multiply fewer than two pmuludq.
    /// (Two other arrangements of the same products, adding the cross sum into the high dword with c's broadcast passed
    /// inline to pmuludq, drew other bits in tier-0 code on AVX-512 hardware with the width forced to 256 or 128, not
    /// bisected further; CounterUniformTests and the dropout tests run every width under tiering and catch that.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Multiply(Vector256<ulong> a, ulong c)
    {
        if (Avx2.IsSupported)
        {
            Vector256<uint> low = Vector256.Create(c).AsUInt32();
            Vector256<ulong> cross = Avx2.MultiplyLow(a.AsUInt32(), Vector256.Create((c >> 32) | (c << 32)).AsUInt32()).AsUInt64();
            cross += Avx2.ShiftRightLogical(cross, 32);
            return Avx2.Multiply(a.AsUInt32(), low) + Avx2.ShiftLeftLogical(cross, 32);
        }

        return a * Vector256.Create(c);
    }

    /// <summary>a * c mod 2^64 per lane, as the 256-bit form (pmulld is SSE4.1; with SSE2 alone, two pmuludq for the cross terms).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<ulong> Multiply(Vector128<ulong> a, ulong c)
    {
        if (Sse41.IsSupported)
        {
            Vector128<uint> low = Vector128.Create(c).AsUInt32();
            Vector128<ulong> cross = Sse41.MultiplyLow(a.AsUInt32(), Vector128.Create((c >> 32) | (c << 32)).AsUInt32()).AsUInt64();
            cross += Sse2.ShiftRightLogical(cross, 32);
            return Sse2.Multiply(a.AsUInt32(), low) + Sse2.ShiftLeftLogical(cross, 32);
        }

        if (Sse2.IsSupported)
        {
            Vector128<uint> low = Vector128.Create(c).AsUInt32(), high = Vector128.Create(c >> 32).AsUInt32();
            Vector128<ulong> cross = Sse2.Multiply(Sse2.ShiftRightLogical(a, 32).AsUInt32(), low) + Sse2.Multiply(a.AsUInt32(), high);
            return Sse2.Multiply(a.AsUInt32(), low) + Sse2.ShiftLeftLogical(cross, 32);
        }

        return a * Vector128.Create(c);
    }
}
