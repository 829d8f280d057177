using ModelGen.Kernels.Gpu.Tests.Models;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// A graph model with every graph operation and the attention family, unchanged, on ILGPU's CPU accelerator: from the
/// same weights, training steps (dropout masks included, drawn from the same counters) and predictions match the CPU
/// back end's to float tolerance.
/// </summary>
public sealed class GraphOnGpuTests
{
    [Fact]
    public void GraphModelTrainsOnGpuAsOnCpu()
    {
        float[] ids =
        [
            0, 0, 3, 5, 1, 9,
            4, 4, 7, 2, 0, 0,
            1, 2, 3, 4, 5, 6,
            0, 0, 0, 0, 11, 6,
        ];
        float[] labels = [1, 0, 1, 0];
        using var cpu = new GpuGraphNet(batchCapacity: 4, seed: 7, device: Device.Cpu(1));
        // The same seed: the same initial weights and the same dropout masks (drawn from the seed's counters).
        using var gpu = new GpuGraphNet(batchCapacity: 4, seed: 7, device: GpuDevice.CpuAccelerator());
        TrainAlike(cpu, gpu, [ids], labels, () => new Adam(learningRate: 1e-2f));
    }

    [Fact]
    public void McanOfUnitsTrainsOnGpuAsOnCpu()
    {
        float[] questions = [3, 5, 0, 0, 0, 1, 2, 3, 4, 11, 7, 7, 0, 0, 0];
        var random = new Random(3);
        float[] regions = Enumerable.Range(0, 3 * 24).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] answers = [2, 0, 3];
        using var cpu = new GpuMcan(batchCapacity: 3, seed: 8, device: Device.Cpu(1));
        using var gpu = new GpuMcan(batchCapacity: 3, seed: 8, device: GpuDevice.CpuAccelerator());
        float[][] inputs = [questions, regions];
        // SGD, not Adam: the bias of a reduction's scores comes before a softmax over the positions, which no shift
        // changes, so its gradient is zero up to rounding, and Adam would scale either back end's rounding to a full step.
        TrainAlike(cpu, gpu, inputs, answers, () => new Sgd(learningRate: 0.1f, momentum: 0.9f));
        Close(cpu.PredictTensor("image_reduce.softmax", inputs), gpu.PredictTensor("image_reduce.softmax", inputs), 1e-4f, "the regions' attention");
    }

    /// <summary>
    /// From the same weights: the same predictions, three training steps with the same losses, then the same weights
    /// (which moved) and predictions, to float tolerance.
    /// </summary>
    private static void TrainAlike(CompiledModel cpu, CompiledModel gpu, float[][] inputs, float[] targets, Func<Optimizer> optimizer)
    {
        var start = new float[cpu.WeightCount];
        cpu.ReadWeights(start);
        var gpuStart = new float[gpu.WeightCount];
        gpu.ReadWeights(gpuStart);
        Assert.Equal(start, gpuStart);
        Close(cpu.Predict(inputs), gpu.Predict(inputs), 2e-5f, "prediction before training");
        Optimizer onCpu = optimizer(), onGpu = optimizer();
        for (int step = 0; step < 3; step++)
        {
            float cpuLoss = cpu.TrainOnBatch(inputs, targets, onCpu);
            float gpuLoss = gpu.TrainOnBatch(inputs, targets, onGpu);
            Assert.True(Math.Abs(cpuLoss - gpuLoss) <= 1e-4f, $"step {step}: loss on the CPU {cpuLoss}, on ILGPU {gpuLoss}");
        }

        var cpuWeights = new float[cpu.WeightCount];
        var gpuWeights = new float[gpu.WeightCount];
        cpu.ReadWeights(cpuWeights);
        gpu.ReadWeights(gpuWeights);
        Close(cpuWeights, gpuWeights, 1e-4f, "weights after three steps");
        Assert.NotEqual(start, cpuWeights);
        Close(cpu.Predict(inputs), gpu.Predict(inputs), 1e-4f, "prediction after training");
    }

    private static void Close(float[] expected, float[] actual, float tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1f, Math.Abs(expected[i])), $"{what}, float {i}: CPU {expected[i]}, ILGPU {actual[i]}");
        }
    }
}
