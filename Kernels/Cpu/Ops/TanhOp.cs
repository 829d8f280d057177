using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>tanh(x); the derivative is 1 - y^2.</summary>
internal readonly struct TanhOp : IActivationOp
{
    public static float Invoke(float x) => MathF.Tanh(x);

    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    public static float Derivative(float y) => 1f - y * y;

    public static Vector256<float> Derivative(Vector256<float> y) => Vector256<float>.One - y * y;

    public static Vector512<float> Derivative(Vector512<float> y) => Vector512<float>.One - y * y;
}
