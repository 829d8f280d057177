using ModelGen.Kernels.Gpu.Tests.Models;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// A graph model with Keras' Masking on float regions (its forward and, below it, a projection's backward through it)
/// on ILGPU's CPU accelerator: from the same weights, three training steps and the predictions match the CPU back end's
/// to float tolerance.
/// </summary>
public sealed class MaskingOnGpuTests
{
    [Fact]
    public void MaskedRegionsTrainOnGpuAsOnCpu()
    {
        float[] questions = [3, 5, 0, 0, 0, 1, 2, 3, 4, 11, 7, 7, 0, 0, 0];
        var random = new Random(4);
        float[] regions = Enumerable.Range(0, 3 * 24).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        // Padded regions: the second of sample 0, the last two of sample 1; none in sample 2.
        foreach (int region in new[] { 1, 6, 7 })
        {
            regions.AsSpan(region * 6, 6).Clear();
        }

        float[] answers = [2, 0, 1];
        float[][] inputs = [questions, regions];
        using var cpu = new GpuMaskingNet(batchCapacity: 3, seed: 9, device: Device.Cpu(1));
        using var gpu = new GpuMaskingNet(batchCapacity: 3, seed: 9, device: GpuDevice.CpuAccelerator());
        var weights = new float[cpu.WeightCount];
        cpu.ReadWeights(weights);
        gpu.WriteWeights(weights);

        Close(cpu.Predict(inputs), gpu.Predict(inputs), 2e-5f, "prediction before training");
        var cpuSgd = new Sgd(learningRate: 0.1f);
        var gpuSgd = new Sgd(learningRate: 0.1f);
        for (int step = 0; step < 3; step++)
        {
            float onCpu = cpu.TrainOnBatch(inputs, answers, cpuSgd);
            float onGpu = gpu.TrainOnBatch(inputs, answers, gpuSgd);
            Assert.True(Math.Abs(onCpu - onGpu) <= 1e-4f, $"step {step}: loss on the CPU {onCpu}, on ILGPU {onGpu}");
        }

        var cpuWeights = new float[cpu.WeightCount];
        var gpuWeights = new float[gpu.WeightCount];
        cpu.ReadWeights(cpuWeights);
        gpu.ReadWeights(gpuWeights);
        Close(cpuWeights, gpuWeights, 1e-4f, "weights after three steps");
        var project = cpu.Layout.Parameters.Single(p => p.Name == "project.weight");
        Assert.NotEqual(weights.AsSpan(project.Offset, project.Length).ToArray(), cpuWeights.AsSpan(project.Offset, project.Length).ToArray());
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
