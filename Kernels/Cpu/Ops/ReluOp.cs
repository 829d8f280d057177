using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>max(x, 0); the derivative is 1 where the output is positive.</summary>
internal readonly struct ReluOp : IActivationOp
{
    public static float Invoke(float x) => x > 0f ? x : 0f;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    public static float Derivative(float y) => y > 0f ? 1f : 0f;

    public static Vector256<float> Derivative(Vector256<float> y) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);

    public static Vector512<float> Derivative(Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero);
}
