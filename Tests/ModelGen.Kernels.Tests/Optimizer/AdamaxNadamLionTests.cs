using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Optimizer;

/// <summary>
/// Keras 3's Adamax, Nadam and Lion kernels (<c>IBackend.Optimizers.cs</c>): three steps from seeded random parameters,
/// gradients and state at every vector width and at lengths around the widths, against Keras' formulas in double on the
/// same inputs; every width bitwise equal to the scalar path (the same IEEE operations per lane, no fused multiply-add),
/// and a split over two threads equal to one.
/// </summary>
public sealed class AdamaxNadamLionTests
{
    private const int Steps = 3;
    private const float LearningRate = 0.01f;

    /// <summary>Float rounding of three steps of a dozen operations on values near 1, relative to 1 + |expected|.</summary>
    private const double StepTolerance = 1e-5;

    public static IEnumerable<object[]> RulesAtWidths() =>
        Widths.Times(new[] { "adamax", "nadam", "lion" }.SelectMany(rule => TestData.Lengths.Select(n => new object[] { rule, n })));

    public static TheoryData<string> Rules() => new("adamax", "nadam", "lion");

    [Theory]
    [MemberData(nameof(RulesAtWidths))]
    public void ThreeStepsMatchKerasInDouble(string rule, int n, int width)
    {
        (float[] p, float[] g, float[] s1, float[] s2) = Inputs(n);
        (float[] P, float[] S1, float[] S2) got = Run(rule, p, g, s1, s2, width, threads: 1);

        double[] ep = TestData.ToDouble(p), e1 = TestData.ToDouble(s1), e2 = TestData.ToDouble(s2);
        double product = 1;
        for (int t = 1; t <= Steps; t++)
        {
            product *= 0.9 * (1 - (0.5 * Math.Pow(0.96, t)));
            for (int i = 0; i < n; i++)
            {
                double gi = g[i];
                switch (rule)
                {
                    case "adamax":
                        // m += (g - m)(1 - b1); u = max(b2 u, |g|); p -= lr m / ((1 - b1^t)(u + eps)).
                        e1[i] += (gi - e1[i]) * (1 - 0.9);
                        e2[i] = Math.Max(0.999 * e2[i], Math.Abs(gi));
                        ep[i] -= LearningRate * e1[i] / ((1 - Math.Pow(0.9, t)) * (e2[i] + 1e-7));
                        break;
                    case "nadam":
                        // u_t = b1 (1 - 0.5 * 0.96^t), u_product = u_1 ... u_t;
                        // m_hat = u_{t+1} m / (1 - u_product u_{t+1}) + (1 - u_t) g / (1 - u_product); v_hat = v / (1 - b2^t).
                        double ut = 0.9 * (1 - (0.5 * Math.Pow(0.96, t))), next = 0.9 * (1 - (0.5 * Math.Pow(0.96, t + 1)));
                        e1[i] += (gi - e1[i]) * (1 - 0.9);
                        e2[i] += (gi * gi - e2[i]) * (1 - 0.999);
                        double mHat = next * e1[i] / (1 - product * next) + (1 - ut) * gi / (1 - product);
                        double vHat = e2[i] / (1 - Math.Pow(0.999, t));
                        ep[i] -= mHat * LearningRate / (Math.Sqrt(vHat) + 1e-7);
                        break;
                    default:
                        // p -= lr sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g.
                        ep[i] -= LearningRate * Math.Sign(0.9 * e1[i] + (1 - 0.9) * gi);
                        e1[i] = 0.99 * e1[i] + (1 - 0.99) * gi;
                        break;
                }
            }
        }

        TestData.Close(ep, got.P, StepTolerance, "p");
        TestData.Close(e1, got.S1, StepTolerance, "m");
        if (rule != "lion")
        {
            TestData.Close(e2, got.S2, StepTolerance, rule == "adamax" ? "u" : "v");
        }

        (float[] P, float[] S1, float[] S2) scalar = Run(rule, p, g, s1, s2, 1, threads: 1);
        Assert.Equal(scalar.P, got.P);
        Assert.Equal(scalar.S1, got.S1);
        Assert.Equal(scalar.S2, got.S2);
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void ASplitOverTwoThreadsEqualsOne(string rule)
    {
        (float[] p, float[] g, float[] s1, float[] s2) = Inputs(457);
        (float[] P, float[] S1, float[] S2) one = Run(rule, p, g, s1, s2, 512, threads: 1);
        (float[] P, float[] S1, float[] S2) two = Run(rule, p, g, s1, s2, 512, threads: 2);
        Assert.Equal(one.P, two.P);
        Assert.Equal(one.S1, two.S1);
        Assert.Equal(one.S2, two.S2);
    }

    [Fact]
    public void LionsSignIsZeroAtZeroAndNaNAtNaN()
    {
        using var arena = new TestArena();
        float[] gradients = [0f, -0f, float.NaN, 0.5f, -0.5f];
        Buf p = arena.Put([1f, 1f, 1f, 1f, 1f]), g = arena.Put(gradients), m = arena.Zeros(5);
        arena.Backend.LionStep(p, g, m, 0.1f, 0.9f, 0.99f);
        float[] after = arena.Get(p);
        Assert.Equal(1f, after[0]);
        Assert.Equal(1f, after[1]);
        Assert.True(float.IsNaN(after[2]));
        Assert.Equal(0.9f, after[3], 1e-7f);
        Assert.Equal(1.1f, after[4], 1e-7f);
    }

    [Fact]
    public void AStepBeforeTheFirstIsRefused()
    {
        using var arena = new TestArena();
        Buf p = arena.Zeros(4), g = arena.Zeros(4), m = arena.Zeros(4), v = arena.Zeros(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.AdamaxStep(p, g, m, v, 0.1f, 0.9f, 0.999f, 1e-7f, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.NadamStep(p, g, m, v, 0.1f, 0.9f, 0.999f, 1e-7f, 0, 1f));
        Assert.Throws<ArgumentException>(() => arena.Backend.LionStep(p, g, arena.Zeros(3), 0.1f, 0.9f, 0.99f));
    }

    /// <summary>Parameters and gradients in [-1, 1), the first state in [-0.1, 0.1), the second (u or v) in [0, 0.1).</summary>
    private static (float[] P, float[] G, float[] S1, float[] S2) Inputs(int n)
    {
        var random = new Random(42);
        return (TestData.Uniform(random, n), TestData.Uniform(random, n), TestData.Uniform(random, n, -0.1f, 0.1f), TestData.Uniform(random, n, 0f, 0.1f));
    }

    /// <summary><see cref="Steps"/> steps of <paramref name="rule"/> at <paramref name="width"/>; the parameters and both states after them.</summary>
    private static (float[] P, float[] S1, float[] S2) Run(string rule, float[] p0, float[] g0, float[] s10, float[] s20, int width, int threads)
    {
        using var arena = new TestArena(threads: threads);
        Buf p = arena.Put(p0), g = arena.Put(g0), s1 = arena.Put(s10), s2 = arena.Put(s20);
        float product = 1f;
        for (int t = 1; t <= Steps; t++)
        {
            product = product * 0.9f * (1f - (0.5f * MathF.Pow(0.96f, t)));
            float uProduct = product;
            int step = t;
            Action call = rule switch
            {
                "adamax" => () => arena.Backend.AdamaxStep(p, g, s1, s2, LearningRate, 0.9f, 0.999f, 1e-7f, step),
                "nadam" => () => arena.Backend.NadamStep(p, g, s1, s2, LearningRate, 0.9f, 0.999f, 1e-7f, step, uProduct),
                _ => () => arena.Backend.LionStep(p, g, s1, LearningRate, 0.9f, 0.99f),
            };
            if (threads > 1)
            {
                Widths.RunSplit(width, call);
            }
            else
            {
                Widths.Run(width, call);
            }
        }

        return (arena.Get(p), arena.Get(s1), arena.Get(s2));
    }
}
