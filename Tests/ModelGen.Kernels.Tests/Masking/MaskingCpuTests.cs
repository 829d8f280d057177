using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Masking;

/// <summary>
/// Keras' Masking layer on the CPU back end at every vector width, against a scalar double reference
/// (mask = some feature != value, y = x * mask, dx = dy * mask): feature counts around the widths (the vector body, the
/// tail, both), steps that are padding, steps with a single feature off the value (in the vector body and in the
/// tail), a value that is not 0, a feature one ulp off the value, -0 against 0, in place, split over two threads.
/// A comparison and a product by 0 or 1 are exact, so every check is equality.
/// </summary>
public sealed class MaskingCpuTests
{
    private const int Batch = 3;
    private const int Steps = 6;

    /// <summary>Feature counts below, at and around the vector widths (4, 8, 16 floats), and odd primes.</summary>
    private static readonly int[] Features = [1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 101];

    public static IEnumerable<object[]> FeaturesValuesAtWidths() =>
        Widths.Times(Features.SelectMany(f => new[] { 0f, 0.5f, -2.25f }.Select(value => new object[] { f, value })));

    public static IEnumerable<object[]> FeaturesAtWidths() => Widths.Times(Features.Select(f => new object[] { f }));

    [Theory]
    [MemberData(nameof(FeaturesValuesAtWidths))]
    public void Forward_MatchesTheScalarReference(int features, float value, int width)
    {
        float[] x = PaddedSteps(new Random(42), Batch, Steps, features, value);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Put(Nans(x.Length)), mask = arena.Put(Nans(Batch * Steps));

        Widths.Run(width, () => arena.Backend.Masking(xv, yv, mask, Batch, Steps, features, value));

        (double[] expectedY, double[] expectedMask) = Reference(x, Batch * Steps, features, value);
        AssertEqual(expectedMask, arena.Get(mask), "mask");
        AssertEqual(expectedY, arena.Get(yv), "y");

        // The pattern masks steps 0 and 4 of each sample (all value) and keeps the rest, each by one feature at least.
        for (int n = 0; n < Batch * Steps; n++)
        {
            Assert.Equal(n % Steps is 0 or 4 ? 0.0 : 1.0, expectedMask[n]);
        }
    }

    [Theory]
    [MemberData(nameof(FeaturesAtWidths))]
    public void Forward_InPlace_IsTheOutOfPlaceResult(int features, int width)
    {
        float[] x = PaddedSteps(new Random(7), Batch, Steps, features, 0f);
        using var arena = new TestArena();
        Buf inPlace = arena.Put(x), mask = arena.Zeros(Batch * Steps);

        Widths.Run(width, () => arena.Backend.Masking(inPlace, inPlace, mask, Batch, Steps, features, 0f));

        (double[] expectedY, double[] expectedMask) = Reference(x, Batch * Steps, features, 0f);
        AssertEqual(expectedMask, arena.Get(mask), "mask");
        AssertEqual(expectedY, arena.Get(inPlace), "y");
    }

    [Theory]
    [MemberData(nameof(FeaturesAtWidths))]
    public void Backward_IsDyWhereKeptAndZeroWherePadded_OutOfPlaceAndInPlace(int features, int width)
    {
        var random = new Random(11);
        float[] x = PaddedSteps(random, Batch, Steps, features, 0.5f);
        float[] dy = TestData.Uniform(random, x.Length);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length), mask = arena.Zeros(Batch * Steps);
        Buf dyv = arena.Put(dy), dx = arena.Put(Nans(x.Length)), dyInPlace = arena.Put(dy);

        Widths.Run(width, () =>
        {
            arena.Backend.Masking(xv, yv, mask, Batch, Steps, features, 0.5f);
            arena.Backend.MaskingBackward(dyv, mask, dx, Batch, Steps, features);
            arena.Backend.MaskingBackward(dyInPlace, mask, dyInPlace, Batch, Steps, features);
        });

        (_, double[] m) = Reference(x, Batch * Steps, features, 0.5f);
        var expected = new double[dy.Length];
        for (int i = 0; i < dy.Length; i++)
        {
            expected[i] = dy[i] * m[i / features];
        }

        AssertEqual(expected, arena.Get(dx), "dx");
        AssertEqual(expected, arena.Get(dyInPlace), "dx in place");
        Assert.Equal(dy, arena.Get(dyv));
    }

    [Theory]
    [MemberData(nameof(FeaturesAtWidths))]
    public void Forward_OneUlpOffTheValueIsKept_NegativeZeroEqualsZero(int features, int width)
    {
        // Sample rows: all 0 but the last feature -0 (padding: -0 == 0); all 0.5 but one feature one ulp above
        // (kept); all 0.5 but the first feature one ulp below (kept); all 0 (padding).
        const float value = 0.5f;
        float[] x = new float[4 * features];
        x.AsSpan(0, features).Fill(0f);
        x[features - 1] = -0f;
        x.AsSpan(features, 2 * features).Fill(value);
        x[features + (features / 2)] = MathF.BitIncrement(value);
        x[2 * features] = MathF.BitDecrement(value);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length), zeroMask = arena.Zeros(4), halfMask = arena.Zeros(4), zeroY = arena.Zeros(x.Length);

        Widths.Run(width, () =>
        {
            arena.Backend.Masking(xv, zeroY, zeroMask, 1, 4, features, 0f);
            arena.Backend.Masking(xv, yv, halfMask, 1, 4, features, value);
        });

        Assert.Equal([0f, 1f, 1f, 0f], arena.Get(zeroMask));
        Assert.Equal([1f, 1f, 1f, 1f], arena.Get(halfMask));
        AssertEqual(Reference(x, 4, features, 0f).Y, arena.Get(zeroY), "y with value 0");
        AssertEqual(Reference(x, 4, features, value).Y, arena.Get(yv), "y with value 0.5");
    }

    [Theory]
    [MemberData(nameof(Widths.Data), MemberType = typeof(Widths))]
    public void SplitOverTwoThreads_GivesTheSameBits(int width)
    {
        const int batch = 37, steps = 11, features = 19;
        var random = new Random(42);
        float[] x = PaddedSteps(random, batch, steps, features, 0f), dy = TestData.Uniform(random, x.Length);
        float[][] one = Run(1), two = Run(2);
        Assert.Equal(one[0], two[0]);
        Assert.Equal(one[1], two[1]);
        Assert.Equal(one[2], two[2]);

        float[][] Run(int threads)
        {
            using var arena = new TestArena(threads: threads);
            Buf xv = arena.Put(x), yv = arena.Zeros(x.Length), mask = arena.Zeros(batch * steps), dyv = arena.Put(dy), dx = arena.Zeros(x.Length);
            Widths.RunSplit(width, () =>
            {
                arena.Backend.Masking(xv, yv, mask, batch, steps, features, 0f);
                arena.Backend.MaskingBackward(dyv, mask, dx, batch, steps, features);
            });
            return [arena.Get(yv), arena.Get(mask), arena.Get(dx)];
        }
    }

    [Fact]
    public void EmptyShapes_WriteOnlyTheMask()
    {
        using var arena = new TestArena();
        Buf empty = arena.Zeros(0), mask = arena.Put([5f, 5f]);

        arena.Backend.Masking(empty, empty, arena.Zeros(0), 0, 4, 3, 0f);
        arena.Backend.MaskingBackward(empty, arena.Zeros(0), empty, 2, 0, 3);
        arena.Backend.Masking(empty, empty, mask, 1, 2, 0, 0f);

        // No features: no feature differs from the value, so both steps are padding (Keras' any over an empty axis).
        Assert.Equal([0f, 0f], arena.Get(mask));
    }

    [Fact]
    public void ShortViews_Throw()
    {
        using var arena = new TestArena();
        Buf x = arena.Zeros(12), y = arena.Zeros(12), mask = arena.Zeros(4);

        Assert.Throws<ArgumentException>(() => arena.Backend.Masking(x, y, arena.Zeros(3), 2, 2, 3, 0f));
        Assert.Throws<ArgumentException>(() => arena.Backend.Masking(x, y.Take(11), mask, 2, 2, 3, 0f));
        Assert.Throws<ArgumentException>(() => arena.Backend.MaskingBackward(x.Take(11), mask, y, 2, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.Masking(x, y, mask, -1, 2, 3, 0f));
    }

    /// <summary>
    /// (B, T, F) uniform features in [-1, 1), step by step within each sample: t = 0 and 4 all <paramref name="value"/>
    /// (padding); t = 1 all value but one feature, which wanders from sample to sample over the vector body and the
    /// tail; t = 3 all value but the last feature (in the tail when F is no multiple of the width); t = 5 all value but
    /// the first; t = 2 random.
    /// </summary>
    private static float[] PaddedSteps(Random random, int batch, int steps, int features, float value)
    {
        float[] x = TestData.Uniform(random, batch * steps * features);
        for (int n = 0; n < batch * steps; n++)
        {
            var row = x.AsSpan(n * features, features);
            int t = n % steps;
            if (t == 2)
            {
                continue;
            }

            row.Fill(value);
            switch (t)
            {
                case 1: row[((n / steps * 5) + 2) % features] = value + 0.75f; break;
                case 3: row[features - 1] = value - 0.5f; break;
                case 5: row[0] = value + 0.25f; break;
            }
        }

        return x;
    }

    /// <summary>The scalar double reference over N steps of F features: mask[n] = some x != value; y = x * mask.</summary>
    private static (double[] Y, double[] Mask) Reference(float[] x, int rows, int features, float value)
    {
        var y = new double[x.Length];
        var mask = new double[rows];
        for (int n = 0; n < rows; n++)
        {
            bool kept = false;
            for (int f = 0; f < features; f++)
            {
                kept |= (double)x[(n * features) + f] != value;
            }

            mask[n] = kept ? 1 : 0;
            for (int f = 0; f < features; f++)
            {
                y[(n * features) + f] = x[(n * features) + f] * mask[n];
            }
        }

        return (y, mask);
    }

    private static float[] Nans(int length) => Enumerable.Repeat(float.NaN, length).ToArray();

    private static void AssertEqual(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i] == actual[i], $"{what}[{i}]: expected {expected[i]:R} but got {actual[i]:R}");
        }
    }
}
