using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

public sealed class TrainOnBatchTests
{
    private const float Tolerance = 1e-6f;

    [Fact]
    public void OneStepReturnsTheLossBeforeTheUpdateAndAppliesTheHandWorkedSgdStep()
    {
        using var model = new LinearNet(batchCapacity: 4, device: Device.Cpu(1));
        model.WriteWeights([1f, 2f, 0.5f]); // dense0.weight (1, 2) = [1, 2], dense0.bias = 0.5

        // x = [[1, 1], [2, 0]], t = [4, 1]: predictions 3.5 and 2.5, errors -0.5 and 1.5,
        // MSE = (0.25 + 2.25) / 2 = 1.25; dL/dy = 2 (y - t) / 2 = [-0.5, 1.5];
        // dW = [-0.5 * 1 + 1.5 * 2, -0.5 * 1 + 1.5 * 0] = [2.5, -0.5], db = 1.0;
        // SGD(0.1): W = [1 - 0.25, 2 + 0.05] = [0.75, 2.05], b = 0.5 - 0.1 = 0.4.
        float loss = model.TrainOnBatch([1f, 1f, 2f, 0f], [4f, 1f], new Sgd(0.1f));

        Assert.Equal(1.25f, loss, Tolerance);
        var weights = new float[3];
        model.ReadWeights(weights);
        Assert.Equal(0.75f, weights[0], Tolerance);
        Assert.Equal(2.05f, weights[1], Tolerance);
        Assert.Equal(0.4f, weights[2], Tolerance);
    }

    [Fact]
    public void ABadBatchIsRefusedBeforeAnyStateChanges()
    {
        using var model = new SoftmaxNet(batchCapacity: 2, device: Device.Cpu(1));
        var before = new float[model.WeightCount];
        model.ReadWeights(before);
        var optimizer = new Adam();

        var nan = Assert.Throws<ArgumentException>(() => model.TrainOnBatch([1f, 2f, float.NaN, 4f], [0f], optimizer));
        Assert.Contains("NaN at row 0, feature 2", nan.Message);
        var label = Assert.Throws<ArgumentException>(() => model.TrainOnBatch([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], [0f, 3f], optimizer));
        Assert.Contains("label 3 at row 1", label.Message);
        var over = Assert.Throws<ArgumentOutOfRangeException>(() => model.TrainOnBatch(new float[12], new float[3], optimizer));
        Assert.Contains("3", over.Message);

        var after = new float[model.WeightCount];
        model.ReadWeights(after);
        Assert.Equal(before, after);
        Assert.Equal(0, optimizer.Iterations);
    }

    [Fact]
    public void AStepAllocatesNothingOnceTheOptimizerIsBound()
    {
        (Dataset train, _) = TestData.CancerSplit();
        using var model = new CancerNet(batchCapacity: 16, seed: 3, device: Device.Cpu(1));
        var optimizer = new Adam();
        ReadOnlySpan<float> features = train.Features.AsSpan(0, 16 * train.FeatureWidth);
        float[] featureCopy = features.ToArray();
        float[] targets = train.Targets.AsSpan(0, 16).ToArray();
        for (int step = 0; step < 3; step++)
        {
            model.TrainOnBatch(featureCopy, targets, optimizer);
        }

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(featureCopy, targets, optimizer)));
    }
}
