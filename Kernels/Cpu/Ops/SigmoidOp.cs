using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>1 / (1 + exp(-x)); the derivative is y (1 - y).</summary>
internal readonly struct SigmoidOp : IActivationOp
{
    public static float Invoke(float x) => 1f / (1f + MathF.Exp(-x));

    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    public static float Derivative(float y) => y * (1f - y);

    public static Vector256<float> Derivative(Vector256<float> y) => y * (Vector256<float>.One - y);

    public static Vector512<float> Derivative(Vector512<float> y) => y * (Vector512<float>.One - y);
}
