using ILGPU;
using ILGPU.Runtime;

namespace ModelGen.Kernels.Gpu;

/// <summary>The parts of a dense layer that are not a GEMM.</summary>
internal sealed class DenseGpu(Accelerator accelerator)
{
    private Action<Index1D, ArrayView<float>, ArrayView<float>, int, int>? _biasBackward;

    /// <summary>dBias (F) += sum over the batch of dy (B, F).</summary>
    public void BiasBackward(ArrayView<float> dy, ArrayView<float> dBias, int batch, int features)
    {
        if (features == 0 || batch == 0)
        {
            return;
        }

        _biasBackward ??= accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(DenseBiasBackwardKernel);
        _biasBackward(features, dy, dBias, batch, features);
    }

    /// <summary>dy (B, F), dBias (F): one thread per feature adds its column in batch order, as the CPU does, so the sum is bitwise the same.</summary>
    internal static void DenseBiasBackwardKernel(Index1D f, ArrayView<float> dy, ArrayView<float> dBias, int batch, int features)
    {
        float sum = dBias[f];
        for (int b = 0; b < batch; b++)
        {
            sum += dy[((long)b * features) + f];
        }

        dBias[f] = sum;
    }
}
