using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Decoupled weight decay on every optimizer and AdamW (issue 14, section 3), each against Keras' formulas worked in
/// double on the linear model: y = w0 x0 + w1 x1 + b under mean squared error, trained with TrainOnBatch on the batch of
/// TrainOnBatchTests, x = [[1, 1], [2, 0]], t = [4, 1], from W = [1, 2], b = 0.5. With dL/dy_r = y_r - t_r the gradient
/// is g = [sum d_r x_r0, sum d_r x_r1, sum d_r]; the first step's is [2.5, -0.5, 1.0].
/// </summary>
public sealed class NewOptimizerTests : IDisposable
{
    /// <summary>A few float steps of values near 1 against the same steps in double.</summary>
    private const double Tolerance = 1e-6;

    private const int Steps = 4;
    private static readonly float[] s_features = [1f, 1f, 2f, 0f];
    private static readonly float[] s_targets = [4f, 1f];
    private static readonly float[] s_start = [1f, 2f, 0.5f];

    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-new-optimizers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WeightDecayOnSgdShrinksEachParameterBeforeTheStep()
    {
        // Keras: p -= p * 0.05 * 0.1, then p -= 0.1 g, with g taken at the parameters before the decay.
        float[] weights = Train(new Sgd(0.1f) { WeightDecay = 0.05f });

        double[] p = Start();
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= p[i] * 0.05 * 0.1;
                p[i] -= 0.1 * g[i];
            }
        }

        AssertClose(p, weights);
    }

    [Fact]
    public void WeightDecayOnAdamUsesTheScheduledRateOfItsStep()
    {
        // ExponentialDecay(0.1, 1, 0.5): step t (from 1) runs at 0.1 * 0.5^(t - 1), the decay too.
        float[] weights = Train(new Adam(new ExponentialDecay(0.1f, 1, 0.5f)) { WeightDecay = 0.2f });

        double[] p = Start();
        double[] m = new double[3], v = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double lr = 0.1 * Math.Pow(0.5, t - 1);
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= p[i] * 0.2 * lr;
                AdamStep(ref p[i], g[i], ref m[i], ref v[i], lr, t);
            }
        }

        AssertClose(p, weights);
    }

    [Fact]
    public void WeightDecayIsAppliedToTheCustomLoopsStepAndToFullBatchGradientDescent()
    {
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights(s_start);
        var descent = new GradientDescent(0.1f) { WeightDecay = 0.5f };
        model.Fit(new Dataset(s_features, 2, s_targets, 1), null, batchSize: 2, epochs: 2, descent, verbose: 0, shuffle: false);

        double[] p = Start();
        for (int t = 1; t <= 2; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= p[i] * 0.5 * 0.1;
                p[i] -= 0.1 * g[i];
            }
        }

        AssertClose(p, Weights(model));
    }

    [Fact]
    public void AdamWIsAdamWithKerasDefaultDecay()
    {
        var adamW = new AdamW();
        Assert.Equal((1e-3f, 0.004f, 0.9f, 0.999f, 1e-7f), (adamW.LearningRate, adamW.WeightDecay, adamW.Beta1, adamW.Beta2, adamW.Epsilon));
        Assert.Equal(["m", "v"], adamW.VariableNames);
        Assert.Equal(0f, new Adam().WeightDecay);

        float[] viaAdamW = Train(new AdamW(learningRate: 0.1f, weightDecay: 0.3f));
        float[] viaAdam = Train(new Adam(learningRate: 0.1f) { WeightDecay = 0.3f });
        Assert.Equal(viaAdam, viaAdamW);

        double[] p = Start();
        double[] m = new double[3], v = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= p[i] * 0.3 * 0.1;
                AdamStep(ref p[i], g[i], ref m[i], ref v[i], 0.1, t);
            }
        }

        AssertClose(p, viaAdamW);
    }

    [Fact]
    public void WeightDecayIsPartOfTheDescriptionACheckpointCompares()
    {
        Assert.Equal("Adam(beta_1=0.9, beta_2=0.999, epsilon=1E-07)", new Adam().Describe());
        Assert.Equal("Adam(beta_1=0.9, beta_2=0.999, epsilon=1E-07, weight_decay=0.01)", new Adam { WeightDecay = 0.01f }.Describe());
        Assert.Equal("AdamW(beta_1=0.9, beta_2=0.999, epsilon=1E-07, weight_decay=0.004)", new AdamW().Describe());
        Assert.Equal("GradientDescent(weight_decay=0.5)", new GradientDescent { WeightDecay = 0.5f }.Describe());
        Assert.Equal("GradientDescent", new GradientDescent().Describe());

        string path = Path.Combine(_folder, "decay.ckpt");
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        var sgd = new Sgd(0.1f) { WeightDecay = 0.05f };
        model.TrainOnBatch(s_features, s_targets, sgd);
        model.SaveCheckpoint(path, sgd, epoch: 1);
        using var other = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        var refused = Assert.Throws<InvalidDataException>(() => other.LoadCheckpoint(path, new Sgd(0.1f)));
        Assert.Contains("weight_decay=0.05", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadWeightDecayIsRefusedWithItsName()
    {
        foreach (float bad in new[] { -0.1f, float.NaN, float.PositiveInfinity })
        {
            var refused = Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd { WeightDecay = bad });
            Assert.Contains("WeightDecay must be finite and not negative", refused.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: bad));
        }
    }

    /// <summary>Keras' Adam on one element at step t: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2); p -= lr sqrt(1 - b2^t) / (1 - b1^t) m / (sqrt(v) + eps).</summary>
    private static void AdamStep(ref double p, double g, ref double m, ref double v, double lr, int t)
    {
        m += (g - m) * (1 - 0.9);
        v += (g * g - v) * (1 - 0.999);
        p -= lr * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t)) * m / (Math.Sqrt(v) + 1e-7);
    }

    /// <summary><see cref="Steps"/> TrainOnBatch steps on the batch from the start weights; the weights after them.</summary>
    private static float[] Train(Optimizer optimizer, int steps = Steps)
    {
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights(s_start);
        for (int t = 0; t < steps; t++)
        {
            model.TrainOnBatch(s_features, s_targets, optimizer);
        }

        Assert.Equal(steps, optimizer.Iterations);
        return Weights(model);
    }

    private static double[] Start() => [.. s_start.Select(w => (double)w)];

    /// <summary>The gradient of the batch's mean squared error at <paramref name="p"/> = [w0, w1, b].</summary>
    private static double[] Gradient(double[] p)
    {
        var g = new double[3];
        for (int r = 0; r < s_targets.Length; r++)
        {
            double x0 = s_features[2 * r], x1 = s_features[2 * r + 1];
            double d = p[0] * x0 + p[1] * x1 + p[2] - s_targets[r];
            g[0] += d * x0;
            g[1] += d * x1;
            g[2] += d;
        }

        return g;
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    private static void AssertClose(double[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"weight {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
