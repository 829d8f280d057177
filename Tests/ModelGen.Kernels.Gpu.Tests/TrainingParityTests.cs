using ModelGen.Kernels.Gpu.Tests.Models;
using Xunit.Abstractions;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// The foundation's sample trained with the same seed on the CPU SIMD back end (one thread) and on ILGPU's CPU
/// accelerator: the same compiled model, only the device differs, and every epoch's figures agree.
/// </summary>
public sealed class TrainingParityTests(ITestOutputHelper output)
{
    /// <summary>
    /// Per-epoch loss, absolute. Both back ends draw the same dropout masks and shuffles; only summation order
    /// differs (GEMM, norms), by about 1e-7 relative per step, and three epochs of Adam keep that far below this.
    /// </summary>
    private const double EpochLossTolerance = 1e-3;

    private const int Epochs = 3;

    [Fact]
    public void CancerNetPerEpochLossMatchesCpuBackend()
    {
        History cpu = Train(Device.Cpu(1));
        History gpu = Train(GpuDevice.CpuAccelerator());

        output.WriteLine("epoch  cpu loss    gpu loss    cpu val_loss  gpu val_loss");
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            output.WriteLine($"{epoch + 1,5}  {cpu["loss"][epoch],10:F6}  {gpu["loss"][epoch],10:F6}  {cpu["val_loss"][epoch],12:F6}  {gpu["val_loss"][epoch],12:F6}");
        }

        Assert.Equal(Epochs, gpu.Epochs);
        foreach (string key in new[] { "loss", "val_loss", "binary_accuracy", "val_binary_accuracy" })
        {
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                Assert.True(Math.Abs(cpu[key][epoch] - gpu[key][epoch]) <= EpochLossTolerance,
                    $"epoch {epoch + 1} {key}: CPU {cpu[key][epoch]:R}, ILGPU {gpu[key][epoch]:R}");
            }
        }

        // Training moved the loss: the comparison is of a real run, not of two untouched models.
        Assert.True(gpu["loss"][Epochs - 1] < gpu["loss"][0] * 0.9, $"loss {gpu["loss"][0]:F4} -> {gpu["loss"][Epochs - 1]:F4}");
    }

    [Fact]
    public void ConvolutionalNetPerEpochLossMatchesCpuBackend()
    {
        History Run(Device device)
        {
            var (train, validation) = ImageData();
            using var model = new GpuCnn(batchCapacity: 16, seed: 7, device: device);
            return model.Fit(train, validation, batchSize: 16, epochs: Epochs, new Adam(), verbose: 0);
        }

        History cpu = Run(Device.Cpu(1));
        History gpu = Run(GpuDevice.CpuAccelerator());

        foreach (string key in new[] { "loss", "val_loss" })
        {
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                output.WriteLine($"{key} epoch {epoch + 1}: CPU {cpu[key][epoch]:F6}, ILGPU {gpu[key][epoch]:F6}");
                Assert.True(Math.Abs(cpu[key][epoch] - gpu[key][epoch]) <= EpochLossTolerance,
                    $"epoch {epoch + 1} {key}: CPU {cpu[key][epoch]:R}, ILGPU {gpu[key][epoch]:R}");
            }
        }

        Assert.True(gpu["loss"][Epochs - 1] < gpu["loss"][0] * 0.9, $"loss {gpu["loss"][0]:F4} -> {gpu["loss"][Epochs - 1]:F4}");
    }

    /// <summary>96 training and 48 validation 10x10 images: a bright row, column or diagonal on noise, the class says which.</summary>
    private static (Dataset Train, Dataset Validation) ImageData()
    {
        var random = new Random(11);
        Dataset Make(int count)
        {
            var x = new float[count * 100];
            var y = new float[count];
            for (int n = 0; n < count; n++)
            {
                int kind = n % 3, at = random.Next(1, 9);
                y[n] = kind;
                for (int i = 0; i < 100; i++)
                {
                    x[(n * 100) + i] = (float)(random.NextDouble() * 0.4);
                }

                for (int t = 0; t < 10; t++)
                {
                    int index = kind switch { 0 => (at * 10) + t, 1 => (t * 10) + at, _ => (t * 10) + t };
                    x[(n * 100) + index] = 1f;
                }
            }

            return new Dataset(x, 100, y, 1);
        }

        return (Make(96), Make(48));
    }

    private static History Train(Device device)
    {
        using var model = new CancerNet(batchCapacity: 32, seed: 7, device: device);
        return model.Fit(CancerData.Train, CancerData.Validation, batchSize: 32, epochs: Epochs, new Adam(), verbose: 0);
    }
}
