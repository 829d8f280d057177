using System.Numerics.Tensors;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>max(x, 0); the derivative is 1 where the output is positive.</summary>
internal readonly struct ReluOp : IActivationOp
{
    public static float Invoke(float x) => x > 0f ? x : 0f;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    public static float Derivative(float y) => y > 0f ? 1f : 0f;

    public static TV Derivative<TV>(TV y)
        where TV : struct, IVector<TV> => TV.GreaterThan(y, TV.Zero) & TV.One;
}
