using ModelGen.Kernels.Cpu.Simd;
using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Dropout;

/// <summary>
/// Every width's <see cref="IVector{TSelf}.CounterUniform"/> and every width's dropout mask draw exactly
/// <see cref="CounterRandom.Uniform"/>'s bits: the GPU back end and the scalar definition draw the same masks.
/// </summary>
public sealed unsafe class CounterUniformTests
{
    /// <summary>Seeds and counters where the 64-bit lanes' halves carry: zero, 2^32 - 3, 2^63 - 5 and counters wrapping past 2^64.</summary>
    public static TheoryData<ulong, ulong> SeedsAndCounters() => new()
    {
        { 0UL, 0UL },
        { 1234UL, 77UL },
        { 42UL, 0xFFFF_FFFDUL },
        { 0x9E37_79B9_7F4A_7C15UL, 0x7FFF_FFFF_FFFF_FFFBUL },
        { ulong.MaxValue, ulong.MaxValue - 100UL },
    };

    [Theory]
    [MemberData(nameof(SeedsAndCounters))]
    public void CounterUniform_EveryWidth_IsTheScalarFormulaBitForBit(ulong seed, ulong counter)
    {
        AssertDraws<V512>(seed, counter);
        AssertDraws<V256>(seed, counter);
        AssertDraws<V128>(seed, counter);
        AssertDraws<V1>(seed, counter);
    }

    public static IEnumerable<object[]> OddLengthsAtWidths() =>
        Widths.Times(new[] { 1, 3, 9, 15, 17, 33, 101, 1031 }.Select(n => new object[] { n }));

    [Theory]
    [MemberData(nameof(OddLengthsAtWidths))]
    public void Forward_LargeStreams_OddLengths_MaskIsTheScalarFormula(int length, int width)
    {
        const float rate = 0.5f;
        float keep = 1f / (1f - rate);
        ulong[] streams = [0xFFFF_FFF0UL, 0x7FFF_FFFF_FFFF_FFF7UL, ulong.MaxValue - (ulong)length / 2];
        using var arena = new TestArena();
        Buf x = arena.Put(Enumerable.Repeat(1f, length).ToArray());
        foreach (ulong stream in streams)
        {
            Buf y = arena.Zeros(length), mask = arena.Zeros(length);

            Widths.Run(width, () => arena.Backend.DropoutForward(x, y, mask, rate, ulong.MaxValue - 3, stream));

            float[] m = arena.Get(mask);
            for (int i = 0; i < length; i++)
            {
                float expected = CounterRandom.Uniform(ulong.MaxValue - 3, stream + (ulong)i) >= rate ? keep : 0f;
                Assert.True(expected == m[i], $"stream {stream:X}, element {i}: {m[i]}, expected {expected}");
            }
        }
    }

    /// <summary>64 vectors of TV's lanes from counter onwards against the scalar formula, compared as bits.</summary>
    private static void AssertDraws<TV>(ulong seed, ulong counter)
        where TV : struct, IVector<TV>
    {
        float* lanes = stackalloc float[TV.Count];
        for (int v = 0; v < 64; v++)
        {
            ulong first = counter + (ulong)(v * TV.Count);
            TV.CounterUniform(CounterMix.Start(seed, first)).Store(lanes);
            for (int lane = 0; lane < TV.Count; lane++)
            {
                float expected = CounterRandom.Uniform(seed, first + (ulong)lane);
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(lanes[lane]),
                    $"{typeof(TV).Name}, seed {seed:X}, counter {first + (ulong)lane:X}: {lanes[lane]}, expected {expected}");
            }
        }
    }
}
