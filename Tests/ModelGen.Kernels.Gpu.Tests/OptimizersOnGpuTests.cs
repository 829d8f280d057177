using ModelGen.Kernels.Gpu.Tests.Models;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// Issue 14's optimizers through a whole Fit on ILGPU's CPU accelerator against the CPU SIMD back end: Adam's amsgrad,
/// RMSprop with momentum and centred, AdamW with an exclusion from its decay, Adamax, Nadam, Lion and Adam with EMA, each on a schedule
/// or a constant rate, epoch by epoch; the kernels' element-wise parity is in the parity suite.
/// </summary>
public sealed class OptimizersOnGpuTests
{
    /// <summary>Per-epoch loss, absolute: the back ends differ only in summation order (GEMM, reductions).</summary>
    private const double EpochLossTolerance = 1e-3;

    public static TheoryData<string> Rules => ["amsgrad", "rmsprop-centered-momentum", "adamw-excluding-bias", "adamax", "nadam", "lion", "adam-ema"];

    [Theory]
    [MemberData(nameof(Rules))]
    public void TrainsAsOnTheCpuBackend(string rule)
    {
        History Run(Device device)
        {
            using var model = new GpuPlainNet(batchCapacity: 32, seed: 5, device: device);
            return model.Fit(CancerData.Train, CancerData.Validation, batchSize: 32, epochs: 3, Create(rule), verbose: 0);
        }

        History cpu = Run(Device.Cpu(1)), gpu = Run(GpuDevice.CpuAccelerator());
        foreach (string key in new[] { "loss", "val_loss" })
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                Assert.True(Math.Abs(cpu[key][epoch] - gpu[key][epoch]) <= EpochLossTolerance,
                    $"{rule}, epoch {epoch + 1} {key}: CPU {cpu[key][epoch]:R}, ILGPU {gpu[key][epoch]:R}");
            }
        }
    }

    private static Optimizer Create(string rule)
    {
        switch (rule)
        {
            case "amsgrad":
                return new Adam(new CosineDecayRestarts(0.01f, 20), amsgrad: true);
            case "rmsprop-centered-momentum":
                return new RmsProp(new PolynomialDecay(0.005f, 40), momentum: 0.5f, centered: true);
            case "adamw-excluding-bias":
                var adamW = new AdamW(0.01f, weightDecay: 0.1f);
                adamW.ExcludeFromWeightDecay("bias");
                return adamW;
            case "adamax":
                return new Adamax(new InverseTimeDecay(0.01f, 10, 0.5f));
            case "adam-ema":
                return new Adam(0.01f) { UseEma = true, EmaMomentum = 0.9f, EmaOverwriteFrequency = 7 };
            case "nadam":
                return new Nadam(0.005f);
            default:
                return new Lion(0.001f);
        }
    }
}
