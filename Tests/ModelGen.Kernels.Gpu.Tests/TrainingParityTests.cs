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

    private static History Train(Device device)
    {
        using var model = new CancerNet(batchCapacity: 32, seed: 7, device: device);
        return model.Fit(CancerData.Train, CancerData.Validation, batchSize: 32, epochs: Epochs, new Adam(), verbose: 0);
    }
}
