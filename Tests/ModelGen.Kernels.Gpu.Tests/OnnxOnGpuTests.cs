using ModelGen.Kernels.Gpu.Tests.Models;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// A model on ILGPU's CPU accelerator exports the same ONNX file, byte for byte, as the same model with the same weights
/// on the CPU back end: the export reads the weights through the back end, whichever it is.
/// </summary>
public sealed class OnnxOnGpuTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("modelgen-onnx-gpu-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TheExportIsTheCpuModelsByteForByte()
    {
        using var cpu = new GpuRegularizedNet(batchCapacity: 8, seed: 3, device: Device.Cpu(1));
        using var gpu = new GpuRegularizedNet(batchCapacity: 8, seed: 3, device: GpuDevice.CpuAccelerator());
        cpu.Fit(CancerData.Train, null, batchSize: 8, epochs: 1, new Adam(), verbose: 0);
        var weights = new float[cpu.WeightCount];
        cpu.ReadWeights(weights);
        gpu.WriteWeights(weights);

        string onCpu = Path.Combine(_folder, "cpu.onnx"), onGpu = Path.Combine(_folder, "gpu.onnx");
        cpu.ExportOnnx(onCpu);
        gpu.ExportOnnx(onGpu);
        Assert.Equal(File.ReadAllBytes(onCpu), File.ReadAllBytes(onGpu));
        Assert.True(new FileInfo(onGpu).Length > weights.Length * sizeof(float));
    }
}
