using System.Numerics.Tensors;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>tanh(x); the derivative is 1 - y^2.</summary>
internal readonly struct TanhOp : IActivationOp
{
    public static float Invoke(float x) => MathF.Tanh(x);

    public static void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    public static float Derivative(float y) => 1f - y * y;

    public static TV Derivative<TV>(TV y)
        where TV : struct, IVector<TV> => TV.One - (y * y);
}
