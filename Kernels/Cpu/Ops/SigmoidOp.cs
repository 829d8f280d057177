using System.Numerics.Tensors;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>1 / (1 + exp(-x)); the derivative is y (1 - y).</summary>
internal readonly struct SigmoidOp : IActivationOp
{
    public static float Invoke(float x) => 1f / (1f + MathF.Exp(-x));

    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    public static float Derivative(float y) => y * (1f - y);

    public static TV Derivative<TV>(TV y)
        where TV : struct, IVector<TV> => y * (TV.One - y);
}
