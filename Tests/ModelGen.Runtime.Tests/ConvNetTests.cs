using System.Text.Json;
using ModelGen.Kernels;
using ModelGen.Runtime.Tests.Models;

namespace ModelGen.Runtime.Tests;

/// <summary>Convolutional models end to end: PyTorch's weights and outputs, allocation, thread independence, learning.</summary>
public sealed class ConvNetTests
{
    private const double TorchRelativeTolerance = 1e-5;

    [Fact]
    public void PyTorchStateDictLoadsAndPredictsWhatPyTorchPredicts()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "torch_conv.json")));
        float[] inputs = [.. document.RootElement.GetProperty("inputs").EnumerateArray().Select(v => v.GetSingle())];
        float[] expected = [.. document.RootElement.GetProperty("outputs").EnumerateArray().Select(v => v.GetSingle())];
        using var model = new TorchConvNet(batchCapacity: 3, seed: 1);
        model.Load(Path.Combine(folder, "torch_conv.safetensors"));

        float[] actual = model.Predict(inputs);

        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(actual[i] - expected[i]) / Math.Max(Math.Abs(expected[i]), 1e-3);
            Assert.True(error <= TorchRelativeTolerance, $"output {i}: ModelGen {actual[i]:R}, PyTorch {expected[i]:R} (relative error {error:G3})");
        }
    }

    [Fact]
    public void TrainingStepAllocatesNothing()
    {
        (float[] features, float[] targets) = Batch(16, seed: 1);
        using var model = new TrainCnn(batchCapacity: 16, seed: 1);
        var optimizer = new Adam();
        for (int i = 0; i < 3; i++)
        {
            model.TrainOnBatch(features, targets, optimizer);
        }

        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => model.TrainOnBatch(features, targets, optimizer)));
    }

    [Fact]
    public void TrainingIsBitwiseTheSameOnOneAndTwoThreads()
    {
        float[] One() => TrainedWeights(threads: 1);
        float[] Two() => TrainedWeights(threads: 2);

        Assert.Equal(One(), Two());
    }

    [Fact]
    public void LearnsToTellFourShapesApart()
    {
        (float[] features, float[] targets) = Batch(1024, seed: 2);
        (float[] testFeatures, float[] testTargets) = Batch(128, seed: 3);
        using var model = new TrainCnn(batchCapacity: 32, seed: 4);

        model.Fit(new Dataset(features, TrainCnn.InputSize, targets, 1), null, 32, 10, new Adam(), []);
        var result = model.Evaluate(new Dataset(testFeatures, TrainCnn.InputSize, testTargets, 1), 32);

        Assert.True(result["accuracy"] >= 0.95, $"accuracy {result["accuracy"]:F3}");
    }

    private static float[] TrainedWeights(int threads)
    {
        (float[] features, float[] targets) = Batch(64, seed: 5);
        using var model = new TrainCnn(batchCapacity: 32, seed: 6, device: Device.Cpu(threads));
        model.Fit(new Dataset(features, TrainCnn.InputSize, targets, 1), null, 32, 2, new Adam(), []);
        var weights = new float[model.WeightCount];
        model.ReadWeights(weights);
        return weights;
    }

    /// <summary>
    /// 12x12 images of one of four shapes (a horizontal bar, a vertical bar, a square outline, a diagonal) at a random
    /// place, on noise; the class is the shape.
    /// </summary>
    private static (float[] Features, float[] Targets) Batch(int count, int seed)
    {
        var random = new Random(seed);
        var features = new float[count * 144];
        var targets = new float[count];
        for (int n = 0; n < count; n++)
        {
            int shape = n % 4;
            targets[n] = shape;
            Span<float> image = features.AsSpan(n * 144, 144);
            for (int i = 0; i < 144; i++)
            {
                image[i] = (float)(random.NextDouble() * 0.3);
            }

            int r = random.Next(1, 7), c = random.Next(1, 7);
            for (int t = 0; t < 5; t++)
            {
                switch (shape)
                {
                    case 0: image[(r * 12) + c + t] = 1f; break;
                    case 1: image[((r + t) * 12) + c] = 1f; break;
                    case 2:
                        image[(r * 12) + c + t] = image[((r + 4) * 12) + c + t] = 1f;
                        image[((r + t) * 12) + c] = image[((r + t) * 12) + c + 4] = 1f;
                        break;
                    default: image[((r + t) * 12) + c + t] = 1f; break;
                }
            }
        }

        return (features, targets);
    }
}
