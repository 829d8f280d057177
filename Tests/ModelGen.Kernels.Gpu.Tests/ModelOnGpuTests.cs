using ModelGen.Kernels.Gpu.Tests.Models;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>Generated models, unchanged, on an ILGPU device: training, prediction and weight files shared with the CPU back end.</summary>
public sealed class ModelOnGpuTests : IDisposable
{
    /// <summary>Predictions of the same weights on two back ends (sigmoid and softmax outputs in [0, 1]).</summary>
    private const float PredictionTolerance = 1e-5f;

    private readonly string _directory = Directory.CreateTempSubdirectory("modelgen-gpu-").FullName;

    [Fact]
    public void CancerNetTrainsOnGpuAndItsWeightsLoadIntoCpuModel()
    {
        using var gpu = new CancerNet(batchCapacity: 64, seed: 3, device: GpuDevice.CpuAccelerator());
        Assert.IsType<GpuDevice>(gpu.Device);
        History history = gpu.Fit(CancerData.Train, null, batchSize: 64, epochs: 2, new Adam(), verbose: 0);
        Assert.True(history["loss"][1] < history["loss"][0], $"loss {history["loss"][0]:F4} -> {history["loss"][1]:F4}");

        string path = Path.Combine(_directory, "cancer.safetensors");
        gpu.Save(path);
        using var cpu = new CancerNet(batchCapacity: 64, seed: 99, device: Device.Cpu(1));
        cpu.Load(path);

        float[] features = CancerData.Validation.Features;
        float[] onGpu = gpu.Predict(features);
        float[] onCpu = cpu.Predict(features);
        Assert.Equal(CancerData.Validation.Count, onGpu.Length);
        for (int i = 0; i < onGpu.Length; i++)
        {
            Assert.True(Math.Abs(onGpu[i] - onCpu[i]) <= PredictionTolerance, $"row {i}: ILGPU {onGpu[i]}, CPU {onCpu[i]}");
        }

        IReadOnlyDictionary<string, double> evaluation = gpu.Evaluate(CancerData.Validation);
        Assert.True(evaluation["binary_accuracy"] > 0.9, $"validation accuracy {evaluation["binary_accuracy"]:F3}");
    }

    [Fact]
    public void WeightsSavedOnCpuLoadIntoGpuModel()
    {
        using var cpu = new SoftmaxNet(batchCapacity: 16, seed: 5, device: Device.Cpu(1));
        var rows = new float[4 * 20];
        var labels = new float[20];
        var random = new Random(1);
        for (int i = 0; i < 20; i++)
        {
            for (int f = 0; f < 4; f++)
            {
                rows[(i * 4) + f] = (float)((random.NextDouble() * 2) - 1);
            }

            labels[i] = rows[i * 4] > 0.3f ? 2 : rows[i * 4] > -0.3f ? 1 : 0;
        }

        cpu.Fit(new Dataset(rows, 4, labels, 1), null, batchSize: 8, epochs: 3, new Sgd(learningRate: 0.1f), verbose: 0);
        string path = Path.Combine(_directory, "softmax.safetensors");
        cpu.Save(path);

        using var gpu = new SoftmaxNet(batchCapacity: 16, seed: 6, device: GpuDevice.CpuAccelerator());
        gpu.Load(path);

        float[] onCpu = cpu.Predict(rows);
        float[] onGpu = gpu.Predict(rows);
        for (int i = 0; i < onCpu.Length; i++)
        {
            Assert.True(Math.Abs(onGpu[i] - onCpu[i]) <= PredictionTolerance, $"output {i}: ILGPU {onGpu[i]}, CPU {onCpu[i]}");
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
