using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu.Ops;

/// <summary>The identity; the derivative is 1.</summary>
internal readonly struct LinearOp : IActivationOp
{
    public static float Invoke(float x) => x;

    public static void Forward(ReadOnlySpan<float> x, Span<float> y)
    {
        if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(y)))
        {
            x.CopyTo(y);
        }
    }

    public static float Derivative(float y) => 1f;

    public static TV Derivative<TV>(TV y)
        where TV : struct, IVector<TV> => TV.One;
}
