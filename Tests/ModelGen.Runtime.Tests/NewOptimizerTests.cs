using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Decoupled weight decay on every optimizer, AdamW, Adamax, Nadam and Lion, Adam's amsgrad and RMSprop's momentum and centred
/// forms (issue 14, section 3), each against Keras' formulas worked in
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

    [Fact]
    public void AdamaxMatchesKerasRule()
    {
        float[] weights = Train(new Adamax(learningRate: 0.1f));

        // m += (g - m)(1 - b1); u = max(b2 u, |g|); p -= lr m / ((1 - b1^t)(u + eps)).
        double[] p = Start();
        double[] m = new double[3], u = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - 0.9);
                u[i] = Math.Max(0.999 * u[i], Math.Abs(g[i]));
                p[i] -= 0.1 * m[i] / ((1 - Math.Pow(0.9, t)) * (u[i] + 1e-7));
            }
        }

        AssertClose(p, weights);
    }

    [Fact]
    public void NadamMatchesKerasRuleWithItsMomentumProduct()
    {
        var nadam = new Nadam(learningRate: 0.1f);
        float[] weights = Train(nadam);

        // u_t = b1 (1 - 0.5 * 0.96^t), u_product = u_1 ... u_t; m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
        // m_hat = u_{t+1} m / (1 - u_product u_{t+1}) + (1 - u_t) g / (1 - u_product); v_hat = v / (1 - b2^t);
        // p -= m_hat lr / (sqrt(v_hat) + eps).
        double[] p = Start();
        double[] m = new double[3], v = new double[3];
        double product = 1;
        for (int t = 1; t <= Steps; t++)
        {
            double ut = 0.9 * (1 - 0.5 * Math.Pow(0.96, t)), next = 0.9 * (1 - 0.5 * Math.Pow(0.96, t + 1));
            product *= ut;
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - 0.9);
                v[i] += (g[i] * g[i] - v[i]) * (1 - 0.999);
                double mHat = next * m[i] / (1 - product * next) + (1 - ut) * g[i] / (1 - product);
                double vHat = v[i] / (1 - Math.Pow(0.999, t));
                p[i] -= mHat * 0.1 / (Math.Sqrt(vHat) + 1e-7);
            }
        }

        AssertClose(p, weights);
        Assert.Equal(product, nadam.MomentumProduct, 1e-7);
    }

    [Fact]
    public void LionMatchesKerasRule()
    {
        float[] weights = Train(new Lion(learningRate: 0.1f, beta1: 0.5f, beta2: 0.8f));

        // p -= lr sign(b1 m + (1 - b1) g); m = b2 m + (1 - b2) g.
        double[] p = Start();
        double[] m = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= 0.1 * Math.Sign(0.5 * m[i] + (1 - 0.5) * g[i]);
                m[i] = 0.8 * m[i] + (1 - 0.8) * g[i];
            }
        }

        AssertClose(p, weights);
    }

    [Fact]
    public void LionWithWeightDecayShrinksBeforeItsSignStep()
    {
        float[] weights = Train(new Lion(learningRate: 0.05f) { WeightDecay = 1f });

        double[] p = Start();
        double[] m = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                p[i] -= p[i] * 1 * 0.05;
                p[i] -= 0.05 * Math.Sign(0.9 * m[i] + (1 - 0.9) * g[i]);
                m[i] = 0.99 * m[i] + (1 - 0.99) * g[i];
            }
        }

        AssertClose(p, weights);
    }

    [Fact]
    public void KerasDefaultsAndVariableNames()
    {
        var adamax = new Adamax();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-7f, 0f), (adamax.LearningRate, adamax.Beta1, adamax.Beta2, adamax.Epsilon, adamax.WeightDecay));
        var nadam = new Nadam();
        Assert.Equal((1e-3f, 0.9f, 0.999f, 1e-7f, 0f), (nadam.LearningRate, nadam.Beta1, nadam.Beta2, nadam.Epsilon, nadam.WeightDecay));
        Assert.Equal(1f, nadam.MomentumProduct);
        var lion = new Lion();
        Assert.Equal((1e-3f, 0.9f, 0.99f, 0f), (lion.LearningRate, lion.Beta1, lion.Beta2, lion.WeightDecay));

        Assert.Equal(["m", "u"], adamax.VariableNames);
        Assert.Equal(["m", "v"], nadam.VariableNames);
        Assert.Equal(["m"], lion.VariableNames);
        Assert.Equal("Adamax(beta_1=0.9, beta_2=0.999, epsilon=1E-07)", adamax.Describe());
        Assert.Equal("Nadam(beta_1=0.9, beta_2=0.999, epsilon=1E-07)", nadam.Describe());
        Assert.Equal("Lion(beta_1=0.9, beta_2=0.99, weight_decay=0.1)", new Lion { WeightDecay = 0.1f }.Describe());
    }

    [Fact]
    public void TheNewOptimizersVariablesAreReadableByName()
    {
        // One Adamax step from the start: g = [2.5, -0.5, 1]; m = (1 - 0.9) g; u = |g|. Lion: m = (1 - 0.99) g.
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights(s_start);
        var adamax = new Adamax();
        model.TrainOnBatch(s_features, s_targets, adamax);
        var u = new float[3];
        model.ReadOptimizerVariable(adamax, "u", u);
        Assert.Equal([2.5f, 0.5f, 1f], u);
        var m = new float[3];
        model.ReadOptimizerVariable(adamax, "m", m);
        AssertClose([0.25, -0.05, 0.1], m);

        using var other = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        other.WriteWeights(s_start);
        var lion = new Lion();
        other.TrainOnBatch(s_features, s_targets, lion);
        other.ReadOptimizerVariable(lion, "m", m);
        AssertClose([0.025, -0.005, 0.01], m);
        Assert.Contains("it has m", Assert.Throws<ArgumentException>(() => other.ReadOptimizerVariable(lion, "v", m)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadHyperparametersAreRefusedWithTheirName()
    {
        Assert.Contains("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(learningRate: 0f)).Message, StringComparison.Ordinal);
        Assert.Contains("beta1 must lie in [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(beta1: 1f)).Message, StringComparison.Ordinal);
        Assert.Contains("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(beta2: -0.5f)).Message, StringComparison.Ordinal);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(epsilon: 0f)).Message, StringComparison.Ordinal);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Nadam(learningRate: float.NaN)).Message, StringComparison.Ordinal);
        Assert.Contains("beta1", Assert.Throws<ArgumentOutOfRangeException>(() => new Nadam(beta1: 1.5f)).Message, StringComparison.Ordinal);
        Assert.Contains("beta2", Assert.Throws<ArgumentOutOfRangeException>(() => new Nadam(beta2: 1f)).Message, StringComparison.Ordinal);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Nadam(epsilon: -1f)).Message, StringComparison.Ordinal);
        Assert.Contains("LearningRate", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(learningRate: -1f)).Message, StringComparison.Ordinal);
        Assert.Contains("degenerates to SignSGD", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(beta1: 0f)).Message, StringComparison.Ordinal);
        Assert.Contains("beta1 must lie in (0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(beta1: 1.1f)).Message, StringComparison.Ordinal);
        Assert.Contains("beta2 must lie in [0, 1]", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(beta2: float.NaN)).Message, StringComparison.Ordinal);
        Assert.Equal(1f, new Lion(beta1: 1f, beta2: 1f).Beta1);
        Assert.Throws<ArgumentNullException>(() => new Nadam((LearningRateSchedule)null!));
    }

    [Fact]
    public void AmsGradDividesByTheRunningMaximumOfTheSecondMoment()
    {
        // Keras 3's adam.py with amsgrad: v_hat = max(v_hat, v), then p -= alpha m / (sqrt(v_hat) + eps). The large first
        // gradients make v fall later, so v_hat and v part ways within the steps.
        float[] weights = Train(new Adam(0.1f, amsgrad: true), steps: 8);

        double[] p = Start();
        double[] m = new double[3], v = new double[3], vHat = new double[3];
        bool parted = false;
        for (int t = 1; t <= 8; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                m[i] += (g[i] - m[i]) * (1 - 0.9);
                v[i] += (g[i] * g[i] - v[i]) * (1 - 0.999);
                vHat[i] = Math.Max(vHat[i], v[i]);
                parted |= vHat[i] > v[i];
                p[i] -= 0.1 * Math.Sqrt(1 - Math.Pow(0.999, t)) / (1 - Math.Pow(0.9, t)) * m[i] / (Math.Sqrt(vHat[i]) + 1e-7);
            }
        }

        Assert.True(parted, "v_hat never rose above v: the test would not tell AMSGrad from Adam");
        AssertClose(p, weights);
        Assert.NotEqual(Train(new Adam(0.1f), steps: 8), weights);
    }

    [Theory]
    [InlineData(0.9f, false)]
    [InlineData(0f, true)]
    [InlineData(0.5f, true)]
    public void RmsPropWithMomentumOrCenteredMatchesKerasRule(float momentum, bool centered)
    {
        // Keras 3's rmsprop.py: velocity = rho velocity + (1 - rho) g^2; centred: average = rho average + (1 - rho) g and
        // denominator = velocity - average^2 + eps; increment = lr g / sqrt(denominator); momentum: mom = momentum mom + increment, p -= mom.
        float[] weights = Train(new RmsProp(0.05f, momentum: momentum, centered: centered));

        double[] p = Start();
        double[] velocity = new double[3], average = new double[3], mom = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                velocity[i] = 0.9 * velocity[i] + (1 - 0.9) * g[i] * g[i];
                double denominator = velocity[i] + 1e-7;
                if (centered)
                {
                    average[i] = 0.9 * average[i] + (1 - 0.9) * g[i];
                    denominator = velocity[i] - average[i] * average[i] + 1e-7;
                }

                double increment = 0.05 * g[i] / Math.Sqrt(denominator);
                if (momentum != 0f)
                {
                    mom[i] = momentum * mom[i] + increment;
                    increment = mom[i];
                }

                p[i] -= increment;
            }
        }

        AssertClose(p, weights);
    }

    [Fact]
    public void TheThirdSlotsVariablesAreNamedAndReadableAsKerasNamesThem()
    {
        Assert.Equal(["m", "v", "velocity_hat"], new Adam(amsgrad: true).VariableNames);
        Assert.Equal(["m", "v", "velocity_hat"], new AdamW(amsgrad: true).VariableNames);
        Assert.Equal(["m", "v"], new Adam().VariableNames);
        Assert.Equal(["velocity"], new RmsProp().VariableNames);
        Assert.Equal(["velocity", "momentum"], new RmsProp(momentum: 0.9f).VariableNames);
        Assert.Equal(["velocity", "average_gradient"], new RmsProp(centered: true).VariableNames);
        Assert.Equal(["velocity", "momentum", "average_gradient"], new RmsProp(momentum: 0.9f, centered: true).VariableNames);
        Assert.Equal("Adam(beta_1=0.9, beta_2=0.999, epsilon=1E-07, amsgrad=True)", new Adam(amsgrad: true).Describe());
        Assert.Equal("RMSprop(rho=0.9, epsilon=1E-07, momentum=0.5, centered=True)", new RmsProp(momentum: 0.5f, centered: true).Describe());
        var defaults = new RmsProp();
        Assert.Equal((0f, false), (defaults.Momentum, defaults.Centered));
        Assert.False(new Adam().AmsGrad);
        Assert.Contains("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(momentum: 1f)).Message, StringComparison.Ordinal);
        Assert.Contains("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(momentum: -0.1f)).Message, StringComparison.Ordinal);

        // One step from the start, g = [2.5, -0.5, 1]: AMSGrad's v_hat = v = (1 - 0.999) g^2; centred RMSprop's mean gradient
        // (1 - 0.9) g and its momentum the first increment.
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights(s_start);
        var amsgrad = new Adam(amsgrad: true);
        model.TrainOnBatch(s_features, s_targets, amsgrad);
        var values = new float[3];
        model.ReadOptimizerVariable(amsgrad, "velocity_hat", values);
        AssertClose([0.001 * 6.25, 0.001 * 0.25, 0.001], values);

        using var other = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        other.WriteWeights(s_start);
        var rmsProp = new RmsProp(0.01f, momentum: 0.9f, centered: true);
        other.TrainOnBatch(s_features, s_targets, rmsProp);
        other.ReadOptimizerVariable(rmsProp, "average_gradient", values);
        AssertClose([0.25, -0.05, 0.1], values);
        other.ReadOptimizerVariable(rmsProp, "momentum", values);
        double[] g = [2.5, -0.5, 1.0];
        AssertClose([.. g.Select(gi => 0.01 * gi / Math.Sqrt(0.1 * gi * gi - 0.01 * gi * gi + 1e-7))], values);
    }

    [Fact]
    public void ExcludedTensorsKeepTheirValuesThroughWeightDecay()
    {
        // Keras' exclude_from_weight_decay(var_names=["bias"]): dense0.bias takes plain Adam steps, the weight decays first.
        var adamW = new AdamW(0.1f, weightDecay: 0.5f);
        adamW.ExcludeFromWeightDecay("bias");
        float[] weights = Train(adamW);

        double[] p = Start();
        double[] m = new double[3], v = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            for (int i = 0; i < 3; i++)
            {
                if (i < 2)
                {
                    p[i] -= p[i] * 0.5 * 0.1;
                }

                AdamStep(ref p[i], g[i], ref m[i], ref v[i], 0.1, t);
            }
        }

        AssertClose(p, weights);
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        Assert.Equal(["dense0.bias"], adamW.ExcludedFromWeightDecay(model.Layout));

        // Before the first step only, as Keras; a bad pattern is refused with the pattern; none clears the exclusion.
        Assert.Contains("before the first update", Assert.Throws<InvalidOperationException>(() => adamW.ExcludeFromWeightDecay("weight")).Message, StringComparison.Ordinal);
        var fresh = new AdamW();
        Assert.Contains("'(bias'", Assert.Throws<ArgumentException>(() => fresh.ExcludeFromWeightDecay("(bias")).Message, StringComparison.Ordinal);
        fresh.ExcludeFromWeightDecay("weight|bias");
        Assert.Equal(["dense0.weight", "dense0.bias"], fresh.ExcludedFromWeightDecay(model.Layout));
        fresh.ExcludeFromWeightDecay();
        Assert.Empty(fresh.ExcludedFromWeightDecay(model.Layout));
        Assert.Equal(Train(new AdamW(0.1f, weightDecay: 0.5f)), Train(Excluding(new AdamW(0.1f, weightDecay: 0.5f), "no such tensor")));
    }

    [Fact]
    public void EmaKeepsKerasMovingAverageAndFinalizingWritesItToTheWeights()
    {
        // Keras' use_ema: after each SGD update p -= 0.1 g, average = m average + (1 - m) p, with m = 0 on the first update.
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights(s_start);
        var sgd = new Sgd(0.1f) { UseEma = true, EmaMomentum = 0.5f };
        Assert.Equal(["average"], sgd.VariableNames);
        for (int t = 0; t < Steps; t++)
        {
            model.TrainOnBatch(s_features, s_targets, sgd);
        }

        double[] p = Start(), average = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            double[] g = Gradient(p);
            double m = t == 1 ? 0 : 0.5;
            for (int i = 0; i < 3; i++)
            {
                p[i] -= 0.1 * g[i];
                average[i] = m * average[i] + (1 - m) * p[i];
            }
        }

        AssertClose(p, Weights(model));
        var kept = new float[3];
        model.ReadOptimizerVariable(sgd, "average", kept);
        AssertClose(average, kept);
        model.FinalizeVariableValues(sgd);
        Assert.Equal(kept, Weights(model));
        Assert.Throws<InvalidOperationException>(() => model.FinalizeVariableValues(new Sgd { UseEma = true }));
    }

    [Fact]
    public void FitEndsWithTheAverageAndOverwritesItEveryFrequencySteps()
    {
        // One step per epoch (both rows in one batch, no shuffling): Fit's three epochs are three TrainOnBatch steps,
        // and its weights at the end are the average.
        var fitted = new Adam(0.1f) { UseEma = true };
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights(s_start);
        model.Fit(new Dataset(s_features, 2, s_targets, 1), null, batchSize: 2, epochs: 3, fitted, verbose: 0, shuffle: false);

        var stepped = new Adam(0.1f) { UseEma = true };
        using var other = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        other.WriteWeights(s_start);
        for (int t = 0; t < 3; t++)
        {
            other.TrainOnBatch(s_features, s_targets, stepped);
        }

        var average = new float[3];
        other.ReadOptimizerVariable(stepped, "average", average);
        Assert.NotEqual(average, Weights(other));
        Assert.Equal(average, Weights(model));

        // ema_overwrite_frequency 2: after steps 2 and 4 the weights are the average, Adam's moments continue.
        var overwriting = new Adam(0.1f) { UseEma = true, EmaOverwriteFrequency = 2 };
        using var third = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        third.WriteWeights(s_start);
        third.TrainOnBatch(s_features, s_targets, overwriting);
        third.TrainOnBatch(s_features, s_targets, overwriting);
        third.ReadOptimizerVariable(overwriting, "average", average);
        Assert.Equal(average, Weights(third));
        third.TrainOnBatch(s_features, s_targets, overwriting);
        third.ReadOptimizerVariable(overwriting, "average", average);
        Assert.NotEqual(average, Weights(third));
    }

    [Fact]
    public void AStepWithEmaAllocatesNothing()
    {
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        var adam = new Adam(0.01f) { UseEma = true, EmaOverwriteFrequency = 3 };
        model.TrainOnBatch(s_features, s_targets, adam);
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(s_features, s_targets, adam)));
    }

    [Fact]
    public void EmaOptionsAreCheckedAndDescribed()
    {
        Assert.Equal(["m", "v", "average"], new Adam { UseEma = true }.VariableNames);
        Assert.Equal("Adam(beta_1=0.9, beta_2=0.999, epsilon=1E-07, use_ema=True, ema_momentum=0.99)", new Adam { UseEma = true }.Describe());
        Assert.Equal("SGD(momentum=0, nesterov=False, weight_decay=0.1, use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=5)",
            new Sgd { WeightDecay = 0.1f, UseEma = true, EmaMomentum = 0.9f, EmaOverwriteFrequency = 5 }.Describe());
        Assert.Contains("uses all three", Assert.Throws<NotSupportedException>(() => new Adam(amsgrad: true) { UseEma = true }).Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => new RmsProp(momentum: 0.9f, centered: true) { UseEma = true });
        Assert.Equal(["velocity", "average_gradient", "average"], new RmsProp(centered: true) { UseEma = true }.VariableNames);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam { EmaMomentum = 1.5f });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam { EmaOverwriteFrequency = 0 });
        Assert.Equal((false, 0.99f, (int?)null), (new Adam().UseEma, new Adam().EmaMomentum, new Adam().EmaOverwriteFrequency));
    }

    private static Optimizer Excluding(Optimizer optimizer, params string[] patterns)
    {
        optimizer.ExcludeFromWeightDecay(patterns);
        return optimizer;
    }

    public static TheoryData<string> CheckpointedRules => ["adamw", "adamax", "nadam", "lion", "nadam-decay", "amsgrad", "rmsprop-centered-momentum", "nadam-ema"];

    [Theory]
    [MemberData(nameof(CheckpointedRules))]
    public void ACheckpointedRunContinuesBitwiseAsOneThatNeverStopped(string rule)
    {
        // Nadam's u_product is host state: the loaded optimizer rebuilds it from the step count the checkpoint restores.
        const int Before = 3, After = 4;
        Optimizer Make() => rule switch
        {
            "adamw" => new AdamW(learningRate: 0.05f),
            "adamax" => new Adamax(learningRate: 0.05f),
            "nadam" => new Nadam(learningRate: 0.05f),
            "lion" => new Lion(learningRate: 0.01f),
            "amsgrad" => new AdamW(learningRate: 0.05f, amsgrad: true),
            "rmsprop-centered-momentum" => new RmsProp(0.05f, momentum: 0.9f, centered: true),
            "nadam-ema" => new Nadam(0.05f) { UseEma = true, EmaMomentum = 0.7f, EmaOverwriteFrequency = 3 },
            _ => new Nadam(new ExponentialDecay(0.05f, 2, 0.7f)) { WeightDecay = 0.1f },
        };

        Optimizer straight = Make();
        float[] expected = Train(straight, Before + After);

        string path = Path.Combine(_folder, $"{rule}.ckpt");
        using (var first = new LinearNet(batchCapacity: 4, device: Device.Cpu(1)))
        {
            first.WriteWeights(s_start);
            Optimizer optimizer = Make();
            for (int t = 0; t < Before; t++)
            {
                first.TrainOnBatch(s_features, s_targets, optimizer);
            }

            first.SaveCheckpoint(path, optimizer, epoch: 1);
        }

        using var resumed = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        Optimizer fresh = Make();
        resumed.LoadCheckpoint(path, fresh);
        Assert.Equal(Before, fresh.Iterations);
        for (int t = 0; t < After; t++)
        {
            resumed.TrainOnBatch(s_features, s_targets, fresh);
        }

        Assert.Equal(expected, Weights(resumed));
        Assert.Equal(straight.Iterations, fresh.Iterations);
        if (straight is Nadam nadam)
        {
            Assert.Equal(nadam.MomentumProduct, ((Nadam)fresh).MomentumProduct);
        }

        using var another = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        var refused = Assert.Throws<InvalidDataException>(() => another.LoadCheckpoint(path, new Adam()));
        Assert.Contains("not Adam(", refused.Message, StringComparison.Ordinal);
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
