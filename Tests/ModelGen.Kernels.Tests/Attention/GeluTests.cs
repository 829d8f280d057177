using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Attention;

/// <summary>Gelu and GeluBackward against the exact (erf) form in double at every width, lengths with tails, in place.</summary>
public sealed class GeluTests
{
    /// <summary>The float erf's own error (Cephes' erff: about 1e-7 absolutely), as a bound on Phi and on GELU over (1 + |x|).</summary>
    private const double ErfAccuracy = 4e-7;

    public static IEnumerable<object[]> Lengths() => Widths.Times(new[] { 0, 1, 7, 15, 17, 31, 33, 37, 101, 457 }.Select(n => new object[] { n }));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Forward_MatchesReference_AndWorksInPlace(int count, int width)
    {
        float[] x = TestData.Uniform(new Random(42), count, -6f, 6f);
        using var arena = new TestArena();
        Buf vx = arena.Put(x), y = arena.Zeros(count);

        Widths.Run(width, () =>
        {
            arena.Backend.Gelu(vx, y, count);
            arena.Backend.Gelu(vx, vx, count);
        });

        double[] expected = x.Select(v => AttentionReference.Gelu(v)).ToArray();
        TestData.Close(expected, arena.Get(y), ErfAccuracy, "y");
        Assert.Equal(arena.Get(y), arena.Get(vx));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Backward_MatchesReference_AndWorksInPlace(int count, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, count, -6f, 6f), dy = TestData.Uniform(random, count);
        using var arena = new TestArena();
        Buf vx = arena.Put(x), vdy = arena.Put(dy), dx = arena.Zeros(count);

        Widths.Run(width, () =>
        {
            arena.Backend.GeluBackward(vx, vdy, dx, count);
            arena.Backend.GeluBackward(vx, vdy, vdy, count);
        });

        double[] expected = x.Select((v, i) => dy[i] * AttentionReference.GeluDerivative(v)).ToArray();
        TestData.Close(expected, arena.Get(dx), ErfAccuracy, "dx");
        Assert.Equal(arena.Get(dx), arena.Get(vdy));
    }

    /// <summary>
    /// A dense sweep over every branch of the erf (t below 1, [1, 2), above 2, and where exp underflows): GELU within
    /// the erf's accuracy absolutely, and on the negative side, where GELU is tiny, within 5e-5 relatively down to 1e-30
    /// (exp of a rounded x^2 / 2 loses about x^2 / 2 ulps: 1e-5 at x = -12).
    /// </summary>
    [Theory]
    [MemberData(nameof(Widths.Data), MemberType = typeof(Widths))]
    public void Sweep_IsAccurateOnEveryBranch(int width)
    {
        float[] x = Enumerable.Range(0, 4001).Select(i => -15f + (i * 0.0075f)).Append(0f).Append(-0f).Append(float.Epsilon).ToArray();
        using var arena = new TestArena();
        Buf vx = arena.Put(x), y = arena.Zeros(x.Length), dx = arena.Put(Enumerable.Repeat(1f, x.Length).ToArray());

        Widths.Run(width, () =>
        {
            arena.Backend.Gelu(vx, y, x.Length);
            arena.Backend.GeluBackward(vx, dx, dx, x.Length);
        });

        float[] gelu = arena.Get(y), derivative = arena.Get(dx);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = AttentionReference.Gelu(x[i]);
            Assert.True(Math.Abs(gelu[i] - exact) <= ErfAccuracy * (1 + Math.Abs(x[i])), $"GELU({x[i]:R}) = {gelu[i]:R}, exact {exact:R}");
            if (x[i] < -1f && Math.Abs(exact) > 1e-30)
            {
                Assert.True(Math.Abs(gelu[i] - exact) <= 5e-5 * Math.Abs(exact), $"GELU({x[i]:R}) = {gelu[i]:R}, exact {exact:R} (relative)");
            }

            double slope = AttentionReference.GeluDerivative(x[i]);
            Assert.True(Math.Abs(derivative[i] - slope) <= ErfAccuracy * (1 + Math.Abs(x[i])), $"GELU'({x[i]:R}) = {derivative[i]:R}, exact {slope:R}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths.Data), MemberType = typeof(Widths))]
    public void SpecialValues(int width)
    {
        using var arena = new TestArena();
        Buf x = arena.Put([float.NaN, float.PositiveInfinity, 0f, 100f, -100f]), y = arena.Zeros(5);

        Widths.Run(width, () => arena.Backend.Gelu(x, y, 5));

        float[] result = arena.Get(y);
        Assert.True(float.IsNaN(result[0]));
        Assert.Equal(float.PositiveInfinity, result[1]);
        Assert.Equal(0f, result[2]);
        Assert.Equal(100f, result[3]);
        Assert.Equal(0f, result[4]);
    }
}
