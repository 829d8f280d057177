using ModelGen.Kernels.Gpu.Tests.Models;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// The custom training loop on a device arena (ILGPU's CPU accelerator): the gradients are not host memory, so
/// Gradient(name) is refused with the way out, and ReadGradients, WriteGradients and ApplyGradients give what the CPU
/// back end gives.
/// </summary>
public sealed class CustomLoopOnGpuTests
{
    [Fact]
    public void GradientsAreCopiedOnADeviceAndMatchTheCpus()
    {
        var random = new Random(11);
        float[] features = Enumerable.Range(0, 8 * 30).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        float[] targets = Enumerable.Range(0, 8).Select(i => (float)(i % 2)).ToArray();
        using var cpu = new CancerNet(batchCapacity: 8, seed: 12, device: Device.Cpu(1));
        using var gpu = new CancerNet(batchCapacity: 8, seed: 12, device: GpuDevice.CpuAccelerator());

        float onCpu = cpu.ComputeGradients(features, targets);
        float onGpu = gpu.ComputeGradients(features, targets);
        Assert.True(Math.Abs(onCpu - onGpu) <= 1e-5f, $"loss on the CPU {onCpu}, on ILGPU {onGpu}");
        var fromCpu = new float[cpu.Layout.TrainableCount];
        var fromGpu = new float[gpu.Layout.TrainableCount];
        cpu.ReadGradients(fromCpu);
        gpu.ReadGradients(fromGpu);
        for (int i = 0; i < fromCpu.Length; i++)
        {
            Assert.True(Math.Abs(fromCpu[i] - fromGpu[i]) <= 1e-5f * Math.Max(1f, Math.Abs(fromCpu[i])), $"gradient {i}: CPU {fromCpu[i]}, ILGPU {fromGpu[i]}");
        }

        var refused = Assert.Throws<NotSupportedException>(() => gpu.Gradient("dense0.weight").Length);
        Assert.Contains("read and write its gradients with ReadGradients and WriteGradients", refused.Message, StringComparison.Ordinal);

        // The same gradients written to both, the same SGD step: the same weights (BatchNorm's running statistics,
        // updated by each back end's own training-mode pass, to float tolerance).
        gpu.WriteGradients(fromCpu);
        cpu.ApplyGradients(new Sgd(0.1f));
        gpu.ApplyGradients(new Sgd(0.1f));
        var cpuWeights = new float[cpu.WeightCount];
        var gpuWeights = new float[gpu.WeightCount];
        cpu.ReadWeights(cpuWeights);
        gpu.ReadWeights(gpuWeights);
        for (int i = 0; i < cpuWeights.Length; i++)
        {
            Assert.True(Math.Abs(cpuWeights[i] - gpuWeights[i]) <= 1e-6f * Math.Max(1f, Math.Abs(cpuWeights[i])), $"weight {i}: CPU {cpuWeights[i]}, ILGPU {gpuWeights[i]}");
        }
    }
}
