using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Why recurrent models clip their gradients. Back through time, each step multiplies dL/dh by
/// diag(1 - h^2) weight_hh^T; while the states stay in tanh's linear range that is weight_hh^T alone, so with
/// recurrent weights 1.5 times an orthogonal matrix (every singular value 1.5) the gradient grows like 1.5^T: the same
/// weights give a far larger gradient over 40 steps than over 5. Keras' clipnorm bounds what one update can do with it.
/// </summary>
public sealed class GradientExplosionTests
{
    // Every singular value of the scaled orthogonal start: above 1 the gradient grows step by step, below it shrinks.
    private const float LargeRecurrentScale = 1.5f;
    private const float SmallRecurrentScale = 0.5f;

    // Inputs this small keep every state in tanh's linear range through 40 steps (1.5^40 is about 1e7), where the
    // growth is the plain power of weight_hh; larger inputs saturate tanh, whose small derivative then competes with it.
    private const float InputScale = 1e-8f;

    // 1.5^15 is about 438 and 1.5^20 about 3,300; a factor of 100 per comparison is growth no rounding makes.
    private const double GrowthFactor = 100;

    private const int Rows = 4;
    private const float LearningRate = 0.01f;
    private const float ClipNorm = 1f;

    // The update is read back as the difference of float weights of magnitude about 1.
    private const double ChangeTolerance = 1e-3;

    private const string RecurrentWeight = "simple_rnn0.weight_hh_l0";
    private const string RecurrentBias = "simple_rnn0.bias_hh_l0";

    [Fact]
    public void GradientNormGrowsWithTheStepsWhenTheRecurrentWeightsAreLarge()
    {
        double five = GradientNorm(new TanhRnnFive(batchCapacity: Rows, seed: 11), LargeRecurrentScale);
        double twenty = GradientNorm(new TanhRnnTwenty(batchCapacity: Rows, seed: 11), LargeRecurrentScale);
        double forty = GradientNorm(new TanhRnnForty(batchCapacity: Rows, seed: 11), LargeRecurrentScale);

        string norms = $"|g| = {five:G4} (T = 5), {twenty:G4} (T = 20), {forty:G4} (T = 40)";
        Assert.True(double.IsFinite(forty), norms);
        Assert.True(twenty >= GrowthFactor * five, norms);
        Assert.True(forty >= GrowthFactor * twenty, norms);
    }

    [Fact]
    public void GradientNormDoesNotGrowWithTheStepsWhenTheRecurrentWeightsAreSmall()
    {
        // The contrast: the same models with every singular value 0.5; older steps add ever less, so T barely matters.
        double five = GradientNorm(new TanhRnnFive(batchCapacity: Rows, seed: 11), SmallRecurrentScale);
        double forty = GradientNorm(new TanhRnnForty(batchCapacity: Rows, seed: 11), SmallRecurrentScale);

        Assert.True(forty <= 2 * five, $"|g| = {five:G4} (T = 5), {forty:G4} (T = 40)");
    }

    [Fact]
    public void ClipNormBoundsEachTensorsUpdateOfTheExplodedGradient()
    {
        using var probe = Exploded();
        var (features, targets) = Batch(TanhRnnForty.InputSize);
        var gradients = new float[probe.Layout.TrainableCount];
        probe.LossAndGradients(features, targets, training: true, gradients);
        double gradientNorm = Norm(gradients);

        // Without clipping, SGD moves the weights by the learning rate times the whole exploded gradient.
        double[] unclipped = TensorChanges(new Sgd(LearningRate), features, targets, out double unclippedTotal);
        Assert.Equal(LearningRate * gradientNorm, unclippedTotal, LearningRate * gradientNorm * ChangeTolerance);
        Assert.True(unclippedTotal >= 100 * LearningRate * ClipNorm, $"unclipped update {unclippedTotal:G4}");

        // With Keras' clipnorm each tensor's gradient is scaled to norm ClipNorm at most, so each tensor moves by at
        // most the learning rate times it. The biases' gradient is the sum over the steps of dL/dpre_t, where the
        // explosion shows (the weights' gradients are dL/dpre_t times the inputs and earlier states, both small here), so it is far above
        // ClipNorm and the bias moves by exactly the bound.
        double[] clipped = TensorChanges(new Sgd(LearningRate) { ClipNorm = ClipNorm }, features, targets, out _);
        var parameters = probe.Layout.Parameters.Where(p => p.Trainable).ToList();
        for (int i = 0; i < parameters.Count; i++)
        {
            Assert.True(clipped[i] <= LearningRate * ClipNorm * (1 + ChangeTolerance),
                $"{parameters[i].Name}: update {clipped[i]:G6} exceeds learning rate x clipnorm {LearningRate * ClipNorm} (unclipped {unclipped[i]:G6})");
        }

        int bias = parameters.FindIndex(p => p.Name == RecurrentBias);
        string updates = string.Join(", ", parameters.Select((p, i) => $"{p.Name} {unclipped[i]:G4} -> {clipped[i]:G4}"));
        Assert.True(unclipped[bias] >= 100 * LearningRate * ClipNorm, updates);
        Assert.Equal(LearningRate * ClipNorm, clipped[bias], LearningRate * ClipNorm * ChangeTolerance);
    }

    [Fact]
    public void GlobalClipNormBoundsTheWholeUpdateOfTheExplodedGradient()
    {
        var (features, targets) = Batch(TanhRnnForty.InputSize);
        TensorChanges(new Sgd(LearningRate) { GlobalClipNorm = ClipNorm }, features, targets, out double total);

        Assert.Equal(LearningRate * ClipNorm, total, LearningRate * ClipNorm * ChangeTolerance);
    }

    /// <summary>The norm of the mean loss's gradient over every trainable parameter, weight_hh scaled first.</summary>
    private static double GradientNorm(CompiledModel model, float recurrentScale)
    {
        using (model)
        {
            ScaleRecurrentWeights(model, recurrentScale);
            var (features, targets) = Batch(model.Layout.InputSize);
            var gradients = new float[model.Layout.TrainableCount];
            model.LossAndGradients(features, targets, training: true, gradients);
            return Norm(gradients);
        }
    }

    /// <summary>The 40-step model with the large recurrent weights.</summary>
    private static TanhRnnForty Exploded()
    {
        var model = new TanhRnnForty(batchCapacity: Rows, seed: 11);
        ScaleRecurrentWeights(model, LargeRecurrentScale);
        return model;
    }

    /// <summary>One SGD step of the exploded model: each trainable tensor's change norm, and the whole change's.</summary>
    private static double[] TensorChanges(Optimizer optimizer, float[] features, float[] targets, out double total)
    {
        using var model = Exploded();
        var before = new float[model.WeightCount];
        model.ReadWeights(before);
        model.TrainOnBatch(features, targets, optimizer);
        var after = new float[model.WeightCount];
        model.ReadWeights(after);

        var change = new float[model.Layout.TrainableCount];
        for (int i = 0; i < change.Length; i++)
        {
            change[i] = after[i] - before[i];
        }

        total = Norm(change);
        return [.. model.Layout.Parameters.Where(p => p.Trainable).Select(p => Norm(change.AsSpan(p.Offset, p.Length)))];
    }

    private static void ScaleRecurrentWeights(CompiledModel model, float scale)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        ParameterInfo recurrent = model.Layout.Parameters.Single(p => p.Name == RecurrentWeight);
        foreach (ref float w in weights.AsSpan(recurrent.Offset, recurrent.Length))
        {
            w *= scale;
        }

        model.WriteWeights(weights);
    }

    /// <summary>Rows of tiny uniform inputs in [-InputScale, InputScale), seeded, and targets of 0.5.</summary>
    private static (float[] Features, float[] Targets) Batch(int inputSize)
    {
        var random = new Random(42);
        var features = new float[Rows * inputSize];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)((random.NextDouble() * 2 - 1) * InputScale);
        }

        return (features, Enumerable.Repeat(0.5f, Rows).ToArray());
    }

    private static double Norm(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (float v in values)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum);
    }
}
