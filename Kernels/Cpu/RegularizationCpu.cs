using System.Runtime.Intrinsics;
using ModelGen.Kernels.Cpu.Simd;

namespace ModelGen.Kernels.Cpu;

/// <summary>
/// Keras' L1 and L2 weight regularisers (<c>IBackend.Regularization.cs</c>): the gradient term, one pass generic over the
/// vector width with a scalar tail doing the same operations in the same order (no fused multiply-add), and the two sums
/// of the penalty in double over <see cref="Lanes"/> fixed lanes, so every width adds the same numbers in the same order.
/// </summary>
internal static unsafe class RegularizationCpu
{
    /// <summary>
    /// The sums' lanes: element i is added to lane i % 16 (one AVX-512 vector, two AVX2 vectors, four 128-bit vectors or
    /// sixteen scalars per block), the lanes then added in order. |w| and w^2 of a float are exact in double, so each
    /// lane rounds only in its additions, and the result depends on the element count alone.
    /// </summary>
    public const int Lanes = 16;

    /// <summary>w, g (N): g += l1 sign(w) + 2 l2 w, each term only when its factor is non-zero (sign 0 at +-0, NaN at NaN).</summary>
    public static void AddGradient(float* w, float* g, int n, float l1, float l2)
    {
        switch (SimdWidth.Pick(n))
        {
            case 512: AddGradient<V512>(w, g, n, l1, l2); break;
            case 256: AddGradient<V256>(w, g, n, l1, l2); break;
            case 128: AddGradient<V128>(w, g, n, l1, l2); break;
            default: AddGradient<V1>(w, g, n, l1, l2); break;
        }
    }

    /// <summary>w (N): sum |w| and sum w^2 in double, over <see cref="Lanes"/> lanes (see there), for any width.</summary>
    public static (double Absolute, double Squares) Sums(float* w, int n)
    {
        double* absolute = stackalloc double[Lanes];
        double* squares = stackalloc double[Lanes];
        int blocks = n / Lanes * Lanes;
        switch (SimdWidth.Current)
        {
            case 512: Blocks512(w, blocks, absolute, squares); break;
            case 256: Blocks256(w, blocks, absolute, squares); break;
            case 128: Blocks128(w, blocks, absolute, squares); break;
            default: BlocksScalar(w, blocks, absolute, squares); break;
        }

        // The tail: element i goes to lane i - blocks = i % 16, as in the blocks.
        for (int i = blocks; i < n; i++)
        {
            double v = Math.Abs((double)w[i]);
            absolute[i - blocks] += v;
            squares[i - blocks] += v * v;
        }

        double totalAbsolute = 0, totalSquares = 0;
        for (int lane = 0; lane < Lanes; lane++)
        {
            totalAbsolute += absolute[lane];
            totalSquares += squares[lane];
        }

        return (totalAbsolute, totalSquares);
    }

    private static void AddGradient<TV>(float* w, float* g, int n, float l1, float l2)
        where TV : struct, IVector<TV>
    {
        float twoL2 = 2f * l2;
        TV vl1 = TV.Create(l1), vTwoL2 = TV.Create(twoL2), zero = TV.Zero, one = TV.One, minusOne = TV.Create(-1f);
        int i = 0;
        if (l2 == 0f)
        {
            for (; i <= n - TV.Count; i += TV.Count)
            {
                TV x = TV.Load(w + i);
                // sign(x): 1 above 0, -1 below, x itself at +-0 and NaN.
                TV sign = TV.Select(TV.GreaterThan(x, zero), one, TV.Select(TV.GreaterThan(zero, x), minusOne, x));
                (TV.Load(g + i) + (vl1 * sign)).Store(g + i);
            }

            for (; i < n; i++)
            {
                float x = w[i];
                float sign = x > 0f ? 1f : 0f > x ? -1f : x;
                g[i] += l1 * sign;
            }
        }
        else if (l1 == 0f)
        {
            for (; i <= n - TV.Count; i += TV.Count)
            {
                (TV.Load(g + i) + (vTwoL2 * TV.Load(w + i))).Store(g + i);
            }

            for (; i < n; i++)
            {
                g[i] += twoL2 * w[i];
            }
        }
        else
        {
            for (; i <= n - TV.Count; i += TV.Count)
            {
                TV x = TV.Load(w + i);
                TV sign = TV.Select(TV.GreaterThan(x, zero), one, TV.Select(TV.GreaterThan(zero, x), minusOne, x));
                (TV.Load(g + i) + ((vl1 * sign) + (vTwoL2 * x))).Store(g + i);
            }

            for (; i < n; i++)
            {
                float x = w[i];
                float sign = x > 0f ? 1f : 0f > x ? -1f : x;
                g[i] += (l1 * sign) + (twoL2 * x);
            }
        }
    }

    /// <summary>Whole blocks of 16 (blocks a multiple of 16): one vector, widened to lanes 0-7 and 8-15.</summary>
    private static void Blocks512(float* w, int blocks, double* absolute, double* squares)
    {
        Vector512<double> a0 = default, a1 = default, s0 = default, s1 = default;
        for (int i = 0; i < blocks; i += Lanes)
        {
            (Vector512<double> lo, Vector512<double> hi) = Vector512.Widen(Vector512.Abs(Vector512.Load(w + i)));
            a0 += lo;
            a1 += hi;
            s0 += lo * lo;
            s1 += hi * hi;
        }

        a0.Store(absolute);
        a1.Store(absolute + 8);
        s0.Store(squares);
        s1.Store(squares + 8);
    }

    /// <summary>Whole blocks of 16: two vectors, widened to lanes 0-3, 4-7, 8-11 and 12-15.</summary>
    private static void Blocks256(float* w, int blocks, double* absolute, double* squares)
    {
        Vector256<double> a0 = default, a1 = default, a2 = default, a3 = default;
        Vector256<double> s0 = default, s1 = default, s2 = default, s3 = default;
        for (int i = 0; i < blocks; i += Lanes)
        {
            (Vector256<double> l0, Vector256<double> l1) = Vector256.Widen(Vector256.Abs(Vector256.Load(w + i)));
            (Vector256<double> l2, Vector256<double> l3) = Vector256.Widen(Vector256.Abs(Vector256.Load(w + i + 8)));
            a0 += l0;
            a1 += l1;
            a2 += l2;
            a3 += l3;
            s0 += l0 * l0;
            s1 += l1 * l1;
            s2 += l2 * l2;
            s3 += l3 * l3;
        }

        a0.Store(absolute);
        a1.Store(absolute + 4);
        a2.Store(absolute + 8);
        a3.Store(absolute + 12);
        s0.Store(squares);
        s1.Store(squares + 4);
        s2.Store(squares + 8);
        s3.Store(squares + 12);
    }

    /// <summary>Whole blocks of 16: four vectors, each widened to two pairs of lanes.</summary>
    private static void Blocks128(float* w, int blocks, double* absolute, double* squares)
    {
        Vector128<double> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        Vector128<double> s0 = default, s1 = default, s2 = default, s3 = default, s4 = default, s5 = default, s6 = default, s7 = default;
        for (int i = 0; i < blocks; i += Lanes)
        {
            (Vector128<double> l0, Vector128<double> l1) = Vector128.Widen(Vector128.Abs(Vector128.Load(w + i)));
            (Vector128<double> l2, Vector128<double> l3) = Vector128.Widen(Vector128.Abs(Vector128.Load(w + i + 4)));
            (Vector128<double> l4, Vector128<double> l5) = Vector128.Widen(Vector128.Abs(Vector128.Load(w + i + 8)));
            (Vector128<double> l6, Vector128<double> l7) = Vector128.Widen(Vector128.Abs(Vector128.Load(w + i + 12)));
            a0 += l0;
            a1 += l1;
            a2 += l2;
            a3 += l3;
            a4 += l4;
            a5 += l5;
            a6 += l6;
            a7 += l7;
            s0 += l0 * l0;
            s1 += l1 * l1;
            s2 += l2 * l2;
            s3 += l3 * l3;
            s4 += l4 * l4;
            s5 += l5 * l5;
            s6 += l6 * l6;
            s7 += l7 * l7;
        }

        a0.Store(absolute);
        a1.Store(absolute + 2);
        a2.Store(absolute + 4);
        a3.Store(absolute + 6);
        a4.Store(absolute + 8);
        a5.Store(absolute + 10);
        a6.Store(absolute + 12);
        a7.Store(absolute + 14);
        s0.Store(squares);
        s1.Store(squares + 2);
        s2.Store(squares + 4);
        s3.Store(squares + 6);
        s4.Store(squares + 8);
        s5.Store(squares + 10);
        s6.Store(squares + 12);
        s7.Store(squares + 14);
    }

    /// <summary>Whole blocks of 16, one element at a time into its lane.</summary>
    private static void BlocksScalar(float* w, int blocks, double* absolute, double* squares)
    {
        new Span<double>(absolute, Lanes).Clear();
        new Span<double>(squares, Lanes).Clear();
        for (int i = 0; i < blocks; i += Lanes)
        {
            for (int lane = 0; lane < Lanes; lane++)
            {
                double v = Math.Abs((double)w[i + lane]);
                absolute[lane] += v;
                squares[lane] += v * v;
            }
        }
    }
}
