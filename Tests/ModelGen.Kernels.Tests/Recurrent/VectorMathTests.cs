using ModelGen.Kernels.Cpu.Simd;
using ModelGen.Kernels.Tests.Backend;

namespace ModelGen.Kernels.Tests.Recurrent;

/// <summary>
/// The recurrent cells' exp, sigmoid and tanh (Kernels/Cpu/Simd/VectorMath.cs) at each width, lane for lane, against double:
/// within a few float ulps over a dense sweep, and the right limits at the ends (saturation, infinities, NaN).
/// </summary>
public sealed unsafe class VectorMathTests
{
    /// <summary>Allowed error in units of the float spacing at the exact result (TensorPrimitives' own exp is within 2).</summary>
    private const double MaxUlps = 4;

    private enum Function
    {
        Exp,
        Sigmoid,
        Tanh,
    }

    public static TheoryData<int> AllWidths() => Widths.Data();

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Exp_WithinFewUlps(int width)
    {
        float[] x = [.. Sweep(-87.5f, 88.3f), .. Sweep(-1f, 1f), 0f];
        float[] y = Apply(width, x, Function.Exp);
        AssertUlps(x, y, Math.Exp, "exp");
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Sigmoid_WithinFewUlps(int width)
    {
        // Down to -87: below that exp(-x) overflows float and the result (under 1e-38) flushes to 0, as TensorPrimitives' does.
        float[] x = Sweep(-87f, 40f);
        float[] y = Apply(width, x, Function.Sigmoid);
        AssertUlps(x, y, v => 1 / (1 + Math.Exp(-v)), "sigmoid");
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Tanh_WithinFewUlps(int width)
    {
        // Dense around 0 (the polynomial's range, where a formula through exp would cancel) and out to saturation.
        float[] x = [.. Sweep(-12f, 12f), .. Sweep(-0.7f, 0.7f), 1e-3f, -1e-3f, 1e-6f, -1e-6f, 1e-20f, 0.625f, -0.625f,
            BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(0.625f) - 1)];
        float[] y = Apply(width, x, Function.Tanh);
        AssertUlps(x, y, Math.Tanh, "tanh");
    }

    [Theory]
    [MemberData(nameof(AllWidths))]
    public void Limits_AreExact(int width)
    {
        float[] x = [float.PositiveInfinity, float.NegativeInfinity, 200f, -200f, 0f, float.NaN];
        float[] e = Apply(width, x, Function.Exp), s = Apply(width, x, Function.Sigmoid), t = Apply(width, x, Function.Tanh);
        Assert.Equal([float.PositiveInfinity, 0f, float.PositiveInfinity, 0f, 1f], e[..5]);
        Assert.Equal([1f, 0f, 1f, 0f, 0.5f], s[..5]);
        Assert.Equal([1f, -1f, 1f, -1f, 0f], t[..5]);
        Assert.True(float.IsNaN(e[5]), $"exp(NaN) = {e[5]}");
        Assert.True(float.IsNaN(s[5]), $"sigmoid(NaN) = {s[5]}");
        Assert.True(float.IsNaN(t[5]), $"tanh(NaN) = {t[5]}");
    }

    private static float[] Sweep(float from, float to)
    {
        const int count = 20011;
        var x = new float[count];
        for (int i = 0; i < count; i++)
        {
            x[i] = from + ((to - from) * i / (count - 1));
        }

        return x;
    }

    /// <summary>The function at one width over x, in whole vectors (x padded with zeros to a multiple of 16 lanes).</summary>
    private static float[] Apply(int width, float[] x, Function function)
    {
        var padded = new float[(x.Length + 15) / 16 * 16];
        x.CopyTo(padded, 0);
        var y = new float[padded.Length];
        fixed (float* px = padded, py = y)
        {
            switch (width)
            {
                case 512: Apply<V512>(px, py, padded.Length, function); break;
                case 256: Apply<V256>(px, py, padded.Length, function); break;
                case 128: Apply<V128>(px, py, padded.Length, function); break;
                default: Apply<V1>(px, py, padded.Length, function); break;
            }
        }

        return y[..x.Length];
    }

    private static void Apply<TV>(float* x, float* y, int length, Function function)
        where TV : struct, IVector<TV>
    {
        for (int i = 0; i < length; i += TV.Count)
        {
            TV v = TV.Load(x + i);
            (function switch { Function.Exp => VectorMath.Exp(v), Function.Sigmoid => VectorMath.Sigmoid(v), _ => VectorMath.Tanh(v) }).Store(y + i);
        }
    }

    private static void AssertUlps(float[] x, float[] y, Func<double, double> exact, string what)
    {
        double worst = 0;
        int at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = exact(x[i]);
            float rounded = (float)e;
            double ulp = MathF.BitIncrement(MathF.Abs(rounded)) - MathF.Abs(rounded);
            double ulps = Math.Abs(y[i] - e) / ulp;
            if (ulps > worst)
            {
                (worst, at) = (ulps, i);
            }
        }

        Assert.True(worst <= MaxUlps, $"{what}({x[at]:R}) = {y[at]:R}, exact {exact(x[at]):R}: {worst:F2} ulps (at most {MaxUlps}).");
    }
}
