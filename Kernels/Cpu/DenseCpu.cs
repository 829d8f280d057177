using System.Numerics.Tensors;

namespace ModelGen.Kernels.Cpu;

/// <summary>The parts of a dense layer that are not a GEMM.</summary>
internal static class DenseCpu
{
    /// <summary>dy (B, F), dBias (F): dBias += sum over the batch of dy, rows added in order.</summary>
    public static void BiasBackward(ReadOnlySpan<float> dy, Span<float> dBias, int batch, int features)
    {
        Span<float> bias = dBias[..features];
        for (int b = 0; b < batch; b++)
        {
            TensorPrimitives.Add(bias, dy.Slice(b * features, features), bias);
        }
    }
}
