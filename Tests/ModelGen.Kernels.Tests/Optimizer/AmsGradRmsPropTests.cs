using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Optimizer;

/// <summary>
/// The rules with a third state slot (<c>IBackend.Optimizers.cs</c>): Adam's AMSGrad form and RMSprop with momentum,
/// centred, or both, three steps from seeded random state at every vector width and at lengths around the widths,
/// against Keras 3's formulas (adam.py, rmsprop.py) in double on the same inputs; every width bitwise equal to the scalar
/// path, and a split over two threads equal to one.
/// </summary>
public sealed class AmsGradRmsPropTests
{
    private const int Steps = 3;
    private const float LearningRate = 0.01f;

    /// <summary>Float rounding of three steps of a dozen operations on values near 1, relative to 1 + |expected|.</summary>
    private const double StepTolerance = 1e-5;

    public static IEnumerable<object[]> RulesAtWidths() =>
        Widths.Times(Names.SelectMany(rule => TestData.Lengths.Select(n => new object[] { rule, n })));

    public static TheoryData<string> Rules() => new(Names);

    private static readonly string[] Names = ["amsgrad", "rmsprop-momentum", "rmsprop-centered", "rmsprop-both"];

    [Theory]
    [MemberData(nameof(RulesAtWidths))]
    public void ThreeStepsMatchKerasInDouble(string rule, int n, int width)
    {
        float[][] inputs = Inputs(n, rule);
        float[][] got = Run(rule, inputs, width, threads: 1);

        double[] p = TestData.ToDouble(inputs[0]), s1 = TestData.ToDouble(inputs[2]), s2 = TestData.ToDouble(inputs[3]), s3 = TestData.ToDouble(inputs[4]);
        float[] g = inputs[1];
        (float momentum, bool centered) = Form(rule);
        for (int t = 1; t <= Steps; t++)
        {
            for (int i = 0; i < n; i++)
            {
                double gi = g[i];
                if (rule == "amsgrad")
                {
                    // m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); v_hat = max(v_hat, v);
                    // p -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v_hat) + eps).
                    s1[i] += (gi - s1[i]) * (1 - 0.9);
                    s2[i] += (gi * gi - s2[i]) * (1 - 0.999);
                    s3[i] = Math.Max(s3[i], s2[i]);
                    double alpha = LearningRate * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t));
                    p[i] -= alpha * s1[i] / (Math.Sqrt(s3[i]) + 1e-7);
                    continue;
                }

                // velocity = rho velocity + (1 - rho) g^2; centred: average = rho average + (1 - rho) g,
                // denominator = velocity - average^2 + eps, else velocity + eps; increment = lr g / sqrt(denominator);
                // momentum = momentum * momentum_var + increment, p -= momentum_var; else p -= increment.
                double[] average = momentum != 0f ? s3 : s2;
                s1[i] = 0.9 * s1[i] + (1 - 0.9) * gi * gi;
                double denominator = s1[i] + 1e-7;
                if (centered)
                {
                    average[i] = 0.9 * average[i] + (1 - 0.9) * gi;
                    denominator = s1[i] - average[i] * average[i] + 1e-7;
                }

                double increment = LearningRate * gi / Math.Sqrt(denominator);
                if (momentum != 0f)
                {
                    s2[i] = momentum * s2[i] + increment;
                    increment = s2[i];
                }

                p[i] -= increment;
            }
        }

        TestData.Close(p, got[0], StepTolerance, "p");
        TestData.Close(s1, got[1], StepTolerance, rule == "amsgrad" ? "m" : "velocity");
        TestData.Close(s2, got[2], StepTolerance, "second slot");
        TestData.Close(s3, got[3], StepTolerance, "third slot");

        float[][] scalar = Run(rule, inputs, 1, threads: 1);
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(scalar[k], got[k]);
        }
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void ASplitOverTwoThreadsEqualsOne(string rule)
    {
        float[][] inputs = Inputs(457, rule);
        float[][] one = Run(rule, inputs, 512, threads: 1);
        float[][] two = Run(rule, inputs, 512, threads: 2);
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(one[k], two[k]);
        }
    }

    [Fact]
    public void TheRunningMaximumKeepsTheLargerSecondMoment()
    {
        // v starts at 0.04 and decays toward g^2 = 0 (b2 = 0.5: v = 0.02), so v_hat keeps 0.04 and the step divides by 0.2.
        using var arena = new TestArena();
        Buf p = arena.Put([1f]), g = arena.Put([0f]), m = arena.Put([0.1f]), v = arena.Put([0.04f]), vHat = arena.Put([0.04f]);
        arena.Backend.AmsGradStep(p, g, m, v, vHat, 0.1f, 0.5f, 0.5f, 0f, 1);
        Assert.Equal(0.02f, arena.Get(v)[0], 1e-8f);
        Assert.Equal(0.04f, arena.Get(vHat)[0]);
        float alpha = (float)(0.1 * Math.Sqrt(0.5) / 0.5);
        Assert.Equal(1f - (alpha * 0.05f / 0.2f), arena.Get(p)[0], 1e-6f);
    }

    [Fact]
    public void PlainFormOfTheFullRmsPropEqualsTheTwoSlotKernel()
    {
        float[][] inputs = Inputs(101, "rmsprop-centered");
        using var full = new TestArena();
        Buf p1 = full.Put(inputs[0]), g1 = full.Put(inputs[1]), s1 = full.Put(inputs[2]);
        full.Backend.RmsPropStep(p1, g1, s1, default, default, LearningRate, 0.9f, 0f, 1e-7f);
        using var plain = new TestArena();
        Buf p2 = plain.Put(inputs[0]), g2 = plain.Put(inputs[1]), s2 = plain.Put(inputs[2]);
        plain.Backend.RmsPropStep(p2, g2, s2, LearningRate, 0.9f, 1e-7f);
        Assert.Equal(plain.Get(p2), full.Get(p1));
        Assert.Equal(plain.Get(s2), full.Get(s1));
    }

    [Fact]
    public void MissingOrShortStateIsRefused()
    {
        using var arena = new TestArena();
        Buf p = arena.Zeros(4), g = arena.Zeros(4), a = arena.Zeros(4), b = arena.Zeros(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.Backend.AmsGradStep(p, g, a, b, arena.Zeros(4), 0.1f, 0.9f, 0.999f, 1e-7f, 0));
        Assert.Throws<ArgumentException>(() => arena.Backend.AmsGradStep(p, g, a, b, arena.Zeros(3), 0.1f, 0.9f, 0.999f, 1e-7f, 1));
        Assert.Throws<ArgumentException>(() => arena.Backend.RmsPropStep(p, g, a, default, default, 0.1f, 0.9f, 0.5f, 1e-7f));
        Assert.Throws<ArgumentException>(() => arena.Backend.RmsPropStep(p, g, a, b, arena.Zeros(2), 0.1f, 0.9f, 0.5f, 1e-7f));
    }

    private static (float Momentum, bool Centered) Form(string rule) => rule switch
    {
        "rmsprop-momentum" => (0.9f, false),
        "rmsprop-centered" => (0f, true),
        "rmsprop-both" => (0.5f, true),
        _ => (0f, false),
    };

    /// <summary>
    /// Parameters and gradients in [-1, 1); the first state in [0.01, 0.1) (m is then positive, which AMSGrad does not mind),
    /// the second and third in [-0.1, 0.1) for momentum and the mean gradient, [0, 0.1) for AMSGrad's v and v_hat: a centred
    /// mean square starts above the mean gradient's square and stays there.
    /// </summary>
    private static float[][] Inputs(int n, string rule)
    {
        var random = new Random(42);
        float low = rule == "amsgrad" ? 0f : -0.1f;
        return [TestData.Uniform(random, n), TestData.Uniform(random, n), TestData.Uniform(random, n, 0.01f, 0.1f),
            TestData.Uniform(random, n, low, 0.1f), TestData.Uniform(random, n, low, 0.1f)];
    }

    /// <summary><see cref="Steps"/> steps of <paramref name="rule"/> at <paramref name="width"/>: p and the three states after them.</summary>
    private static float[][] Run(string rule, float[][] inputs, int width, int threads)
    {
        using var arena = new TestArena(threads: threads);
        Buf p = arena.Put(inputs[0]), g = arena.Put(inputs[1]), s1 = arena.Put(inputs[2]), s2 = arena.Put(inputs[3]), s3 = arena.Put(inputs[4]);
        (float momentum, bool centered) = Form(rule);
        Buf second = momentum != 0f ? s2 : default, average = centered ? (momentum != 0f ? s3 : s2) : default;
        for (int t = 1; t <= Steps; t++)
        {
            int step = t;
            Action call = rule == "amsgrad"
                ? () => arena.Backend.AmsGradStep(p, g, s1, s2, s3, LearningRate, 0.9f, 0.999f, 1e-7f, step)
                : () => arena.Backend.RmsPropStep(p, g, s1, second, average, LearningRate, 0.9f, momentum, 1e-7f);
            if (threads > 1)
            {
                Widths.RunSplit(width, call);
            }
            else
            {
                Widths.Run(width, call);
            }
        }

        return [arena.Get(p), arena.Get(s1), arena.Get(s2), arena.Get(s3)];
    }
}
