using ModelGen.Kernels.Gpu.Parity;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// Per-row loss weights (Keras' sample_weight) on ILGPU's CPU accelerator against the CPU SIMD back end, for every
/// loss and both forms of fromLogits: loss = sum_b(w_b l_b) / B and row b's gradient scaled by w_b. Weights of 1 give
/// the unweighted result bitwise on the ILGPU back end too, and rows weighing 0 get a zero gradient.
/// </summary>
[Collection(CpuAcceleratorCollection.Name)]
public sealed class WeightedLossParityTests(CpuAcceleratorFixture fixture)
{
    private const int Batch = 7, Features = 5;
    private const float GradScale = 1f / Batch;

    // Row 1 weighs 0, row 3 is negative (Keras allows it), row 5 weighs exactly 1.
    private static readonly float[] Weights = [0.5f, 0f, 2.5f, -0.75f, 1.25f, 1f, 3f];

    public static TheoryData<LossKind, bool, bool> Cases()
    {
        var data = new TheoryData<LossKind, bool, bool>();
        foreach (LossKind kind in Enum.GetValues<LossKind>())
        {
            foreach (bool fromLogits in new[] { false, true })
            {
                data.Add(kind, fromLogits, true);
                data.Add(kind, fromLogits, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WeightedLoss_MatchesCpuBackend(LossKind kind, bool fromLogits, bool withGradient)
    {
        (float[] prediction, float[] target) = Data(kind, fromLogits);

        (float gpuLoss, float[] gpuGradient) = Run(fixture.Gpu, kind, fromLogits, prediction, target, Weights, withGradient);
        (float cpuLoss, float[] cpuGradient) = Run(fixture.Cpu, kind, fromLogits, prediction, target, Weights, withGradient);

        Close(cpuLoss, gpuLoss, "loss");
        for (int i = 0; i < cpuGradient.Length; i++)
        {
            Close(cpuGradient[i], gpuGradient[i], $"dPrediction[{i}]");
        }

        // The row weighing 0 has an exactly zero gradient on both back ends.
        for (int f = 0; withGradient && f < Features; f++)
        {
            Assert.Equal(0f, gpuGradient[Features + f]);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void WeightsAllOne_EqualUnweightedBitwise(LossKind kind, bool fromLogits, bool withGradient)
    {
        (float[] prediction, float[] target) = Data(kind, fromLogits);
        float[] ones = [.. Enumerable.Repeat(1f, Batch)];

        (float plainLoss, float[] plainGradient) = Run(fixture.Gpu, kind, fromLogits, prediction, target, null, withGradient);
        (float weightedLoss, float[] weightedGradient) = Run(fixture.Gpu, kind, fromLogits, prediction, target, ones, withGradient);

        Assert.Equal(BitConverter.SingleToInt32Bits(plainLoss), BitConverter.SingleToInt32Bits(weightedLoss));
        Assert.Equal(Array.ConvertAll(plainGradient, BitConverter.SingleToInt32Bits), Array.ConvertAll(weightedGradient, BitConverter.SingleToInt32Bits));
    }

    /// <summary>
    /// A whole weighted Fit (class weights, so every step copies its shuffled rows' weights to the sample-weight slot)
    /// on ILGPU's CPU accelerator agrees with the CPU back end epoch by epoch, as unweighted training does.
    /// </summary>
    [Fact]
    public void ClassWeightedFitMatchesCpuBackend()
    {
        var random = new Random(5);
        float[] x = [.. Enumerable.Range(0, 60 * 4).Select(_ => (float)((random.NextDouble() * 2) - 1))];
        float[] y = [.. Enumerable.Range(0, 60).Select(r => (float)(r % 3))];
        var classWeight = new Dictionary<int, float> { [0] = 3f, [2] = 0.5f };

        History Run(Device device)
        {
            using var model = new Models.SoftmaxNet(batchCapacity: 16, seed: 4, device: device);
            return model.Fit(new Dataset(x, 4, y, 1), null, 16, 3, new Adam(0.01f), verbose: 0, validationSplit: 0.2, classWeight: classWeight);
        }

        History cpu = Run(Device.Cpu(1));
        History gpu = Run(GpuDevice.CpuAccelerator());
        using var unweighted = new Models.SoftmaxNet(batchCapacity: 16, seed: 4, device: GpuDevice.CpuAccelerator());
        History plain = unweighted.Fit(new Dataset(x, 4, y, 1), null, 16, 3, new Adam(0.01f), verbose: 0, validationSplit: 0.2);

        foreach (string key in new[] { "loss", "val_loss" })
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                Assert.True(Math.Abs(cpu[key][epoch] - gpu[key][epoch]) <= 1e-4, $"epoch {epoch + 1} {key}: CPU {cpu[key][epoch]:R}, ILGPU {gpu[key][epoch]:R}");
            }
        }

        Assert.NotEqual(plain["loss"][0], gpu["loss"][0]);
    }

    [Fact]
    public void WeightsShorterThanTheBatch_Throw()
    {
        var error = Assert.Throws<ArgumentException>(() => fixture.Gpu.Loss(LossKind.MeanSquaredError, false,
            new Buf(0, 4), new Buf(4, 4), default, new Buf(8, 1), 4, 1, 1f, new Buf(9, 3)));

        Assert.Equal("weights", error.ParamName);
    }

    /// <summary>|gpu - cpu| within <see cref="ParitySuite.Reduction"/> relative to max(1, |cpu|), the parity suite's loss tolerance.</summary>
    private static void Close(float expected, float actual, string what)
    {
        double error = Math.Abs((double)actual - expected) / Math.Max(1, Math.Abs(expected));
        Assert.True(error <= ParitySuite.Reduction, $"{what}: expected {expected:R}, got {actual:R} (error {error:G3}).");
    }

    private static (float[] Prediction, float[] Target) Data(LossKind kind, bool fromLogits)
    {
        var random = new Random(42);
        bool probabilities = !fromLogits && kind is LossKind.BinaryCrossEntropy or LossKind.CategoricalCrossEntropy or LossKind.SparseCategoricalCrossEntropy;
        float[] prediction = [.. Enumerable.Range(0, Batch * Features).Select(_ => probabilities ? random.NextSingle() : (6 * random.NextSingle()) - 3)];
        if (probabilities)
        {
            // At and beyond the clip the gradient is 0.
            prediction[0] = 0f;
            prediction[7] = 1f;
        }

        float[] target = kind switch
        {
            LossKind.SparseCategoricalCrossEntropy => [.. Enumerable.Range(0, Batch).Select(_ => (float)random.Next(Features))],
            LossKind.CategoricalCrossEntropy => [.. Enumerable.Range(0, Batch * Features).Select(i => i % Features == (i / Features) % Features ? 1f : 0f)],
            LossKind.Hinge or LossKind.BinaryCrossEntropy => [.. Enumerable.Range(0, Batch * Features).Select(_ => (float)random.Next(2))],
            _ => [.. Enumerable.Range(0, Batch * Features).Select(_ => (2 * random.NextSingle()) - 1)],
        };
        return (prediction, target);
    }

    /// <summary>Places the data at fixed offsets, runs the loss (weighted when <paramref name="weights"/> is not null) and reads the results back.</summary>
    private static (float Loss, float[] Gradient) Run(IBackend backend, LossKind kind, bool fromLogits, float[] prediction, float[] target,
        float[]? weights, bool withGradient)
    {
        int count = Batch * Features;
        var p = new Buf(0, count);
        var t = new Buf(count, target.Length);
        var d = new Buf(2 * count, count);
        var l = new Buf(3 * count, 1);
        var w = new Buf((3 * count) + 1, Batch);
        backend.Upload(prediction, p);
        backend.Upload(target, t);
        backend.Fill(d, float.NaN);
        backend.Fill(l, float.NaN);
        if (weights is not null)
        {
            backend.Upload(weights, w);
        }

        backend.Loss(kind, fromLogits, p, t, withGradient ? d : default, l, Batch, Features, GradScale, weights is null ? default : w);
        var loss = new float[1];
        backend.Download(l, loss);
        var gradient = new float[withGradient ? count : 0];
        if (withGradient)
        {
            backend.Download(d, gradient);
        }

        return (loss[0], gradient);
    }
}
