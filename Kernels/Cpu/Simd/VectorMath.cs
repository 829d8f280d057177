using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelGen.Kernels.Cpu.Simd;

/// <summary>
/// Exp, sigmoid and tanh at any width, for kernels that apply them inside a fused pass (the recurrent cells), written
/// once over <see cref="IVector{TSelf}"/>; the one width-specific line is the bit trick that makes 2^n. Sigmoid and
/// tanh stay within a few ulps of the exact value over the whole float range (exp within 2 over its range), and are
/// NaN for NaN.
/// </summary>
internal static class VectorMath
{
    /// <summary>Below this |x| tanh is an odd polynomial; from it on, 1 - 2 / (exp(2|x|) + 1), where no digits cancel.</summary>
    private const float TanhPolynomialBound = 0.625f;

    /// <summary>exp's clamp: n = round(x / ln 2) stays in [-126, 127], where 2^n is a normal float.</summary>
    private const float ExpLow = -87.5f, ExpHigh = 88.3f;

    /// <summary>1.5 * 2^23: adding it rounds a float of magnitude below 2^22 to an integer, which lands in the low mantissa bits.</summary>
    private const float RoundingMagic = 12582912f;

    /// <summary>The bits of 1f: 127 in the exponent field.</summary>
    private const int OneBits = 0x3F800000;

    private const float Log2E = 1.44269504088896341f;

    /// <summary>ln 2 = Ln2High + Ln2Low, the high part with few enough bits that n Ln2High is exact for |n| &lt;= 127.</summary>
    private const float Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;

    /// <summary>
    /// exp(x) per lane, within 2 ulps for x in [-87.5, 88.3]; 0 below (where exp is under 1e-38) and infinity above (it
    /// passes float's largest at 88.72); NaN for NaN. Cephes' expf: n = round(x / ln 2) by the 1.5 * 2^23 trick,
    /// r = x - n ln 2 in two parts (exact without FMA), exp(r) by a degree-6 polynomial, times 2^n made from n's bits.
    /// Inlined into the kernels: the runtime's Vector512.Exp is a call, and a call inside a cell's loop spills every live
    /// vector around it (the LSTM forward makes five per vector of units).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Exp<TV>(TV x)
        where TV : struct, IVector<TV>
    {
        TV low = TV.Create(ExpLow), high = TV.Create(ExpHigh), magic = TV.Create(RoundingMagic);
        // Clamped by compares so that NaN passes through (a NaN lane fails both); the ends are put back below.
        TV overflow = TV.GreaterThan(x, high), underflow = TV.GreaterThan(low, x);
        x = TV.Select(overflow, high, TV.Select(underflow, low, x));
        TV t = TV.FusedMultiplyAdd(x, TV.Create(Log2E), magic);
        TV n = t - magic;
        TV r = TV.FusedMultiplyAdd(n, TV.Create(-Ln2High), x);
        r = TV.FusedMultiplyAdd(n, TV.Create(-Ln2Low), r);
        TV p = TV.FusedMultiplyAdd(TV.Create(1.9875691500e-4f), r, TV.Create(1.3981999507e-3f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(8.3334519073e-3f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(4.1665795894e-2f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(1.6666665459e-1f));
        p = TV.FusedMultiplyAdd(p, r, TV.Create(5.0000001201e-1f));
        p = TV.FusedMultiplyAdd(p, r * r, r + TV.One);
        TV e = TV.Select(underflow, TV.Zero, p * PowerOfTwo(t));
        return TV.Select(overflow, TV.Create(float.PositiveInfinity), e);
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

    /// <summary>
    /// 2^n per lane, for t = n + 1.5 * 2^23 (n an integer in [-126, 127]): t's bits are those of 1.5 * 2^23 plus n, whose
    /// own bits all shift out past bit 31, so (bits(t) &lt;&lt; 23) + bits(1f) is n + 127 in the exponent field.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV PowerOfTwo<TV>(TV t)
        where TV : struct, IVector<TV>
    {
        // Each branch is a constant for the JIT (and for AOT): an instantiation keeps only its own line.
        if (typeof(TV) == typeof(V512))
        {
            Vector512<float> r = ((Unsafe.As<TV, Vector512<int>>(ref t) << 23) + Vector512.Create(OneBits)).AsSingle();
            return Unsafe.As<Vector512<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V256))
        {
            Vector256<float> r = ((Unsafe.As<TV, Vector256<int>>(ref t) << 23) + Vector256.Create(OneBits)).AsSingle();
            return Unsafe.As<Vector256<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V128))
        {
            Vector128<float> r = ((Unsafe.As<TV, Vector128<int>>(ref t) << 23) + Vector128.Create(OneBits)).AsSingle();
            return Unsafe.As<Vector128<float>, TV>(ref r);
        }

        if (typeof(TV) == typeof(V1))
        {
            float r = BitConverter.Int32BitsToSingle((Unsafe.As<TV, int>(ref t) << 23) + OneBits);
            return Unsafe.As<float, TV>(ref r);
        }

        throw new NotSupportedException($"No power of two for {typeof(TV).Name}.");
    }
}
