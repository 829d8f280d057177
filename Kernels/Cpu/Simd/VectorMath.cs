using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Simd;

/// <summary>Sigmoid and tanh at any width, for kernels that apply them inside a fused pass.</summary>
internal static class VectorMath
{
    /// <summary>1 / (1 + exp(-x)) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x)
        where TV : struct, IVector<TV>
    {
        if (typeof(TV) == typeof(V512))
        {
            Vector512<float> v = Unsafe.As<TV, Vector512<float>>(ref x);
            Vector512<float> r = Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-v));
            return Unsafe.As<Vector512<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V256))
        {
            Vector256<float> v = Unsafe.As<TV, Vector256<float>>(ref x);
            Vector256<float> r = Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-v));
            return Unsafe.As<Vector256<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V128))
        {
            Vector128<float> v = Unsafe.As<TV, Vector128<float>>(ref x);
            Vector128<float> r = Vector128<float>.One / (Vector128<float>.One + Vector128.Exp(-v));
            return Unsafe.As<Vector128<float>, TV>(ref r);
        }

        float s = Unsafe.As<TV, float>(ref x);
        float y = 1f / (1f + MathF.Exp(-s));
        return Unsafe.As<float, TV>(ref y);
    }

    /// <summary>tanh(x) per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x)
        where TV : struct, IVector<TV>
    {
        if (typeof(TV) == typeof(V512))
        {
            Vector512<float> v = Unsafe.As<TV, Vector512<float>>(ref x);
            Vector512<float> t = Vector512.Exp(Vector512.Create(-2f) * Vector512.Abs(v));
            Vector512<float> r = Vector512.CopySign((Vector512<float>.One - t) / (Vector512<float>.One + t), v);
            return Unsafe.As<Vector512<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V256))
        {
            Vector256<float> v = Unsafe.As<TV, Vector256<float>>(ref x);
            Vector256<float> t = Vector256.Exp(Vector256.Create(-2f) * Vector256.Abs(v));
            Vector256<float> r = Vector256.CopySign((Vector256<float>.One - t) / (Vector256<float>.One + t), v);
            return Unsafe.As<Vector256<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V128))
        {
            Vector128<float> v = Unsafe.As<TV, Vector128<float>>(ref x);
            Vector128<float> t = Vector128.Exp(Vector128.Create(-2f) * Vector128.Abs(v));
            Vector128<float> r = Vector128.CopySign((Vector128<float>.One - t) / (Vector128<float>.One + t), v);
            return Unsafe.As<Vector128<float>, TV>(ref r);
        }

        float s = Unsafe.As<TV, float>(ref x);
        float y = MathF.Tanh(s);
        return Unsafe.As<float, TV>(ref y);
    }
}
