using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>
/// Custom training loops (issue 14, section 1): ComputeGradients then ApplyGradients is TrainOnBatch, bitwise; the
/// gradients by name are the model's own memory, so changing them changes the step; RunForward in training and
/// inference mode, and the logits of a fused output.
/// </summary>
public sealed class CustomLoopTests
{
    [Fact]
    public void TheLoopByHandGivesBitwiseTheWeightsOfTrainOnBatch()
    {
        // CancerNet has BatchNorm (running statistics), dropout (masks from the model's stream) and a fused sigmoid.
        (Dataset train, _) = TestData.CancerSplit();
        float[] features = train.Features.AsSpan(0, 16 * train.FeatureWidth).ToArray();
        float[] targets = train.Targets.AsSpan(0, 16).ToArray();
        using var byFit = new CancerNet(batchCapacity: 16, seed: 5, device: Device.Cpu(1));
        using var byHand = new CancerNet(batchCapacity: 16, seed: 5, device: Device.Cpu(1));
        var adamA = new Adam(1e-2f);
        var adamB = new Adam(1e-2f);
        for (int step = 0; step < 4; step++)
        {
            float expected = byFit.TrainOnBatch(features, targets, adamA);
            float loss = byHand.ComputeGradients(features, targets);
            byHand.ApplyGradients(adamB);
            Assert.Equal(expected, loss);
        }

        Assert.Equal(Weights(byFit), Weights(byHand));
        Assert.Equal(4, adamB.Iterations);
    }

    [Fact]
    public void GradientsByNameAreTheModelsOwnAndClippingThemByHandIsClipValue()
    {
        // x = [[1, 1], [2, 0]], t = [4, 1] from W = [1, 2], b = 0.5: dW = [2.5, -0.5], db = 1.0 (worked out in TrainOnBatchTests).
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights([1f, 2f, 0.5f]);
        float loss = model.ComputeGradients([1f, 1f, 2f, 0f], [4f, 1f]);
        Assert.Equal(1.25f, loss, 1e-6f);
        Assert.Equal([2.5f, -0.5f], model.Gradient("dense0.weight").ToArray());
        Assert.Equal([1.0f], model.Gradient("dense0.bias").ToArray());
        var before = new float[3];
        model.ReadWeights(before);
        Assert.Equal([1f, 2f, 0.5f], before);

        // One's own clipping through the span, then the step: as Keras' clipvalue = 0.8 does it.
        foreach (ref float g in model.Gradient("dense0.weight"))
        {
            g = Math.Clamp(g, -0.8f, 0.8f);
        }

        foreach (ref float g in model.Gradient("dense0.bias"))
        {
            g = Math.Clamp(g, -0.8f, 0.8f);
        }

        model.ApplyGradients(new Sgd(0.1f));

        using var clipped = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        clipped.WriteWeights([1f, 2f, 0.5f]);
        clipped.TrainOnBatch([1f, 1f, 2f, 0f], [4f, 1f], new Sgd(0.1f) { ClipValue = 0.8f });
        Assert.Equal(Weights(clipped), Weights(model));

        var copy = new float[3];
        model.ReadGradients(copy);
        Assert.Equal([0.8f, -0.5f, 0.8f], copy);
        model.WriteGradients([0f, 1f, 0f]);
        Assert.Equal([0f, 1f], model.Gradient("dense0.weight").ToArray());

        var unknown = Assert.Throws<ArgumentException>(() => model.Gradient("dense1.weight"));
        Assert.Contains("LinearNet has no trainable parameter 'dense1.weight'; it has dense0.weight, dense0.bias", unknown.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => model.WriteGradients([0f, float.NaN, 0f]));
        Assert.Throws<ArgumentException>(() => model.ReadGradients(new float[2]));
    }

    [Fact]
    public void RunForwardGivesTheOutputsOrTheLogitsOfAFusedOutput()
    {
        using var model = new SoftmaxNet(batchCapacity: 2, seed: 4, device: Device.Cpu(1));
        float[] x = [1f, -2f, 0.5f, 3f, 0f, 1f, -1f, 2f];
        float[] probabilities = model.RunForward([x], training: false);
        Assert.Equal(model.Predict(x), probabilities);

        float[] logits = model.RunForward([x], training: false, logits: true);
        for (int row = 0; row < 2; row++)
        {
            // softmax(logits) is the output: each probability is exp(z_i - max) / sum.
            float[] z = logits[(row * 3)..((row * 3) + 3)];
            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            for (int i = 0; i < 3; i++)
            {
                Assert.Equal(Math.Exp(z[i] - max) / sum, probabilities[(row * 3) + i], 6);
            }
        }

        Assert.NotEqual(probabilities, logits);

        // An unfused model's logits are its outputs.
        using var linear = new LinearNet(batchCapacity: 2, device: Device.Cpu(1));
        Assert.Equal(linear.RunForward([[1f, 2f]], training: false), linear.RunForward([[1f, 2f]], training: false, logits: true));
    }

    [Fact]
    public void RunForwardInTrainingModeDropsOutAndInInferenceDoesNot()
    {
        (Dataset train, _) = TestData.CancerSplit();
        float[] features = train.Features.AsSpan(0, 8 * train.FeatureWidth).ToArray();
        using var model = new CancerNet(batchCapacity: 8, seed: 6, device: Device.Cpu(1));
        float[] first = model.RunForward([features], training: false);
        Assert.Equal(first, model.RunForward([features], training: false));
        Assert.Equal(model.Predict(features), first);
        float[] dropped = model.RunForward([features], training: true);
        Assert.NotEqual(first, dropped);
        Assert.NotEqual(dropped, model.RunForward([features], training: true));
    }

    private static float[] Weights(CompiledModel model)
    {
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }
}
