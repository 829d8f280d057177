using ModelGen.Kernels.Gpu.Tests.Models;

namespace ModelGen.Kernels.Gpu.Tests;

/// <summary>
/// A model with Keras' L1 and L2 weight regularisers on ILGPU's CPU accelerator: its loss is the same network's loss
/// without them plus the penalty of its weights, and it trains as on the CPU SIMD back end, epoch by epoch.
/// </summary>
public sealed class RegularizedModelOnGpuTests
{
    /// <summary>Per-epoch loss, absolute: the back ends differ only in summation order (GEMM, reductions).</summary>
    private const double EpochLossTolerance = 1e-3;

    [Fact]
    public void LossIsThePlainLossPlusThePenalty()
    {
        using var regularised = new GpuRegularizedNet(batchCapacity: 32, seed: 3, device: GpuDevice.CpuAccelerator());
        using var plain = new GpuPlainNet(batchCapacity: 32, seed: 3, device: GpuDevice.CpuAccelerator());
        var weights = new float[regularised.WeightCount];
        regularised.ReadWeights(weights);
        plain.WriteWeights(weights);
        Dataset data = CancerData.Train;
        float[] x = data.Features.AsSpan(0, 32 * data.FeatureWidth).ToArray(), t = data.Targets.AsSpan(0, 32).ToArray();

        float withPenalty = regularised.ComputeGradients(x, t), without = plain.ComputeGradients(x, t);

        double penalty = 0;
        foreach (ParameterInfo p in regularised.Layout.Parameters)
        {
            for (int i = p.Offset; i < p.Offset + p.Length; i++)
            {
                penalty += (p.L1 * Math.Abs(weights[i])) + (p.L2 * weights[i] * weights[i]);
            }
        }

        Assert.True(penalty > 1e-2, $"penalty {penalty}");
        Assert.Equal(without + penalty, withPenalty, 1e-5 * (1 + withPenalty));
    }

    [Fact]
    public void TrainsAsOnTheCpuBackend()
    {
        History Run(Device device)
        {
            using var model = new GpuRegularizedNet(batchCapacity: 32, seed: 5, device: device);
            return model.Fit(CancerData.Train, CancerData.Validation, batchSize: 32, epochs: 3, new Adam(), verbose: 0);
        }

        History cpu = Run(Device.Cpu(1)), gpu = Run(GpuDevice.CpuAccelerator());
        foreach (string key in new[] { "loss", "val_loss" })
        {
            for (int epoch = 0; epoch < 3; epoch++)
            {
                Assert.True(Math.Abs(cpu[key][epoch] - gpu[key][epoch]) <= EpochLossTolerance,
                    $"epoch {epoch + 1} {key}: CPU {cpu[key][epoch]:R}, ILGPU {gpu[key][epoch]:R}");
            }
        }
    }
}
