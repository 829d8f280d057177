using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Each optimizer's update rule through Fit on the linear model, against the rule worked out in double precision
/// on the same gradients (mean squared error of y = w0 x0 + w1 x1 + b).
/// </summary>
public sealed class OptimizerTests
{
    private const double Tolerance = 2e-5;
    private static readonly float[] s_start = [0.3f, -0.2f, 0.1f];

    public static TheoryData<string> Rules => ["sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad", "clipvalue", "clipnorm", "globalclipnorm"];

    [Theory]
    [MemberData(nameof(Rules))]
    public void MiniBatchRuleMatchesHandComputation(string rule)
    {
        const int Steps = 3;
        Dataset data = TestData.Linear(4);
        using var model = new LinearNet(batchCapacity: 4);
        model.WriteWeights(s_start);
        Optimizer optimizer = rule switch
        {
            "sgd" => new Sgd(learningRate: 0.1f),
            "momentum" => new Sgd(learningRate: 0.1f, momentum: 0.9f),
            "nesterov" => new Sgd(learningRate: 0.1f, momentum: 0.9f, nesterov: true),
            "adam" => new Adam(learningRate: 0.1f),
            "rmsprop" => new RmsProp(learningRate: 0.1f),
            "adagrad" => new Adagrad(learningRate: 0.1f),
            "clipvalue" => new Sgd(learningRate: 0.1f) { ClipValue = 0.05f },
            "clipnorm" => new Sgd(learningRate: 0.1f) { ClipNorm = 0.1f },
            "globalclipnorm" => new Sgd(learningRate: 0.1f) { GlobalClipNorm = 0.1f },
            _ => throw new ArgumentException(rule),
        };

        model.Fit(data, null, batchSize: 4, epochs: Steps, optimizer, verbose: 0, shuffle: false);

        double[] p = [.. s_start.Select(v => (double)v)];
        var slot1 = new double[3];
        var slot2 = new double[3];
        if (rule == "adagrad")
        {
            Array.Fill(slot1, 0.1);
        }

        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p, data, 0, data.Count);
            Clip(rule, g);
            for (int i = 0; i < 3; i++)
            {
                switch (rule)
                {
                    case "momentum":
                        slot1[i] = 0.9 * slot1[i] - 0.1 * g[i];
                        p[i] += slot1[i];
                        break;
                    case "nesterov":
                        slot1[i] = 0.9 * slot1[i] - 0.1 * g[i];
                        p[i] += 0.9 * slot1[i] - 0.1 * g[i];
                        break;
                    case "adam":
                        slot1[i] += (g[i] - slot1[i]) * (1 - 0.9);
                        slot2[i] += (g[i] * g[i] - slot2[i]) * (1 - 0.999);
                        p[i] -= 0.1 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t)) * slot1[i] / (Math.Sqrt(slot2[i]) + 1e-7);
                        break;
                    case "rmsprop":
                        slot1[i] = 0.9 * slot1[i] + 0.1 * g[i] * g[i];
                        p[i] -= 0.1 * g[i] / Math.Sqrt(slot1[i] + 1e-7);
                        break;
                    case "adagrad":
                        slot1[i] += g[i] * g[i];
                        p[i] -= 0.1 * g[i] / Math.Sqrt(slot1[i] + 1e-7);
                        break;
                    default:
                        p[i] -= 0.1 * g[i];
                        break;
                }
            }
        }

        AssertWeights(p, model);
        Assert.Equal(Steps, optimizer.Iterations);
    }

    [Fact]
    public void GradientDescentTakesOneFullBatchStepPerEpochOverChunksOfTheCapacity()
    {
        Dataset data = TestData.Linear(5);
        using var model = new LinearNet(batchCapacity: 2);
        model.WriteWeights(s_start);
        var optimizer = new GradientDescent(learningRate: 0.2f);

        History history = model.Fit(data, null, batchSize: 2, epochs: 2, optimizer, verbose: 0);

        double[] p = [.. s_start.Select(v => (double)v)];
        double firstLoss = Loss(p, data);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            double[] g = Gradient(p, data, 0, data.Count);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= 0.2 * g[i];
            }
        }

        AssertWeights(p, model);
        Assert.Equal(2, optimizer.Iterations);
        Assert.Equal(firstLoss, history["loss"][0], Tolerance);
    }

    [Fact]
    public void MiniBatchSgdStepsOncePerBatchAndKeepsThePartialLastBatch()
    {
        Dataset data = TestData.Linear(5);
        using var model = new LinearNet(batchCapacity: 2);
        model.WriteWeights(s_start);
        var optimizer = new Sgd(learningRate: 0.1f);

        model.Fit(data, null, batchSize: 2, epochs: 1, optimizer, verbose: 0, shuffle: false);

        double[] p = [.. s_start.Select(v => (double)v)];
        foreach ((int first, int count) in new[] { (0, 2), (2, 2), (4, 1) })
        {
            double[] g = Gradient(p, data, first, count);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= 0.1 * g[i];
            }
        }

        AssertWeights(p, model);
        Assert.Equal(3, optimizer.Iterations);
    }

    [Fact]
    public void ASecondFitWithTheSameOptimizerContinuesItsState()
    {
        Dataset data = TestData.Linear(4);
        using var once = new LinearNet(batchCapacity: 4);
        using var twice = new LinearNet(batchCapacity: 4);
        once.WriteWeights(s_start);
        twice.WriteWeights(s_start);
        var adam = new Adam(learningRate: 0.05f);
        var adamTwice = new Adam(learningRate: 0.05f);

        once.Fit(data, null, 4, 4, adam, verbose: 0, shuffle: false);
        twice.Fit(data, null, 4, 2, adamTwice, verbose: 0, shuffle: false);
        twice.Fit(data, null, 4, 2, adamTwice, verbose: 0, shuffle: false);

        Assert.Equal(Weights(once), Weights(twice));
        Assert.Equal(4, adamTwice.Iterations);
    }

    [Fact]
    public void KerasDefaults()
    {
        Assert.Equal(0.01f, new Sgd().LearningRate);
        Assert.Equal(0.01f, new GradientDescent().LearningRate);
        var adam = new Adam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-7f), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon));
        var rms = new RmsProp();
        Assert.Equal((1e-3f, 0.9f, 1e-7f), (rms.LearningRate, rms.Rho, rms.Epsilon));
        var adagrad = new Adagrad();
        Assert.Equal((1e-3f, 0.1f, 1e-7f), (adagrad.LearningRate, adagrad.InitialAccumulator, adagrad.Epsilon));
    }

    [Fact]
    public void InvalidHyperparametersAreRefusedWithTheirName()
    {
        Assert.Contains("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: 0f)).Message);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(learningRate: float.NaN)).Message);
        Assert.Contains("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f)).Message);
        Assert.Contains("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(momentum: -0.1f)).Message);
        Assert.Contains("rho", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(rho: 1.5f)).Message);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(epsilon: 0f)).Message);
        Assert.Contains("initialAccumulator", Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(initialAccumulator: -1f)).Message);
        Assert.Contains("ClipNorm", Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { ClipNorm = -1f }).Message);
        var both = Assert.Throws<ArgumentException>(() => new Sgd { ClipNorm = 1f, ClipValue = 0.5f });
        Assert.Contains("ClipValue", both.Message);
        Assert.Contains("ClipNorm", both.Message);
        Assert.Throws<ArgumentException>(() => new Adam { GlobalClipNorm = 1f, ClipNorm = 1f });
    }

    private static void Clip(string rule, double[] g)
    {
        switch (rule)
        {
            case "clipvalue":
                for (int i = 0; i < 3; i++)
                {
                    g[i] = Math.Clamp(g[i], -0.05, 0.05);
                }

                break;
            case "clipnorm":
                // Per variable: the weight (1, 2) and the bias (1) separately.
                double weightNorm = Math.Sqrt(g[0] * g[0] + g[1] * g[1]);
                if (weightNorm > 0.1)
                {
                    g[0] *= 0.1 / weightNorm;
                    g[1] *= 0.1 / weightNorm;
                }

                g[2] = Math.Clamp(g[2], -0.1, 0.1);
                break;
            case "globalclipnorm":
                double norm = Math.Sqrt(g.Sum(v => v * v));
                if (norm > 0.1)
                {
                    for (int i = 0; i < 3; i++)
                    {
                        g[i] *= 0.1 / norm;
                    }
                }

                break;
        }
    }

    /// <summary>The gradient of the mean squared error over rows [first, first + count).</summary>
    private static double[] Gradient(double[] p, Dataset data, int first, int count)
    {
        var g = new double[3];
        for (int r = first; r < first + count; r++)
        {
            ReadOnlySpan<float> x = data.FeatureRow(r);
            double dy = 2 * (p[0] * x[0] + p[1] * x[1] + p[2] - data.Targets[r]) / count;
            g[0] += dy * x[0];
            g[1] += dy * x[1];
            g[2] += dy;
        }

        return g;
    }

    private static double Loss(double[] p, Dataset data)
    {
        double sum = 0;
        for (int r = 0; r < data.Count; r++)
        {
            ReadOnlySpan<float> x = data.FeatureRow(r);
            double d = p[0] * x[0] + p[1] * x[1] + p[2] - data.Targets[r];
            sum += d * d;
        }

        return sum / data.Count;
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    private static void AssertWeights(double[] expected, CompiledModel model)
    {
        float[] actual = Weights(model);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"weight {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
