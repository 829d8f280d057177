using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Simd;

/// <summary>
/// Sigmoid and tanh at any width, for kernels that apply them inside a fused pass (the recurrent cells), written once
/// over <see cref="IVector{TSelf}"/>. The one width-specific piece is exp: the runtime's Vector512/256/128.Exp (the
/// same exp TensorPrimitives uses, within 2 ulp) and MathF.Exp for <see cref="V1"/>. Both functions stay within a few
/// ulp of the exact value over the whole float range, and are NaN for NaN.
/// </summary>
internal static class VectorMath
{
    /// <summary>Below this |x| tanh is an odd polynomial; from it on, 1 - 2 / (exp(2|x|) + 1), where no digits cancel.</summary>
    private const float TanhPolynomialBound = 0.625f;

    /// <summary>exp(x) per lane: the runtime's vector exp at each width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV>(TV x)
        where TV : struct, IVector<TV>
    {
        // Each branch is a constant for the JIT (and for AOT): one instantiation keeps only its own line.
        if (typeof(TV) == typeof(V512))
        {
            Vector512<float> r = Vector512.Exp(Unsafe.As<TV, Vector512<float>>(ref x));
            return Unsafe.As<Vector512<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V256))
        {
            Vector256<float> r = Vector256.Exp(Unsafe.As<TV, Vector256<float>>(ref x));
            return Unsafe.As<Vector256<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V128))
        {
            Vector128<float> r = Vector128.Exp(Unsafe.As<TV, Vector128<float>>(ref x));
            return Unsafe.As<Vector128<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V1))
        {
            float r = MathF.Exp(Unsafe.As<TV, float>(ref x));
            return Unsafe.As<float, TV>(ref r);
        }

        throw new NotSupportedException($"No exp for {typeof(TV).Name}.");
    }

    /// <summary>1 / (1 + exp(-x)) per lane (0 once exp(-x) overflows, 1 once it underflows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Sigmoid<TV>(TV x)
        where TV : struct, IVector<TV> =>
        TV.One / (TV.One + Exp(TV.Zero - x));

    /// <summary>
    /// tanh(x) per lane, from y = |x| and the sign: for y &lt; 0.625, y + y^3 P(y^2) (Cephes' tanhf polynomial, as
    /// 1 - 2 / (exp(2y) + 1) would lose the leading digits of a small result to cancellation); above, 1 - 2 / (exp(2y) + 1),
    /// which is 1 once exp overflows. Both halves are computed and the lane picks one, so there is no branch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Tanh<TV>(TV x)
        where TV : struct, IVector<TV>
    {
        TV negative = TV.GreaterThan(TV.Zero, x);
        TV y = TV.Select(negative, TV.Zero - x, x);
        TV large = TV.One - (TV.Create(2f) / (Exp(y + y) + TV.One));
        TV s = y * y;
        TV p = TV.FusedMultiplyAdd(TV.Create(-5.70498872745e-3f), s, TV.Create(2.06390887954e-2f));
        p = TV.FusedMultiplyAdd(p, s, TV.Create(-5.37397155531e-2f));
        p = TV.FusedMultiplyAdd(p, s, TV.Create(1.33314422036e-1f));
        p = TV.FusedMultiplyAdd(p, s, TV.Create(-3.33332819422e-1f));
        TV small = TV.FusedMultiplyAdd(p * s, y, y);
        TV t = TV.Select(TV.GreaterThanOrEqual(y, TV.Create(TanhPolynomialBound)), large, small);
        return TV.Select(negative, TV.Zero - t, t);
    }
}
