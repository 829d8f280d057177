using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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

    public static Vector256<float> Derivative(Vector256<float> y) => Vector256<float>.One;

    public static Vector512<float> Derivative(Vector512<float> y) => Vector512<float>.One;
}
