using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Activation;

public sealed class ActivationTests
{
    public static TheoryData<ActivationKind, int> KindsAndLengths()
    {
        var data = new TheoryData<ActivationKind, int>();
        foreach (ActivationKind kind in Enum.GetValues<ActivationKind>())
        {
            foreach (int length in TestData.Lengths)
            {
                data.Add(kind, length);
            }
        }

        return data;
    }

    public static IEnumerable<object[]> KindsAndLengthsAtWidths() => Widths.Times(KindsAndLengths());

    [Theory]
    [MemberData(nameof(KindsAndLengthsAtWidths))]
    public void BiasActivation_MatchesReference(ActivationKind kind, int features, int width)
    {
        const int batch = 3;
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * features, -3f, 3f), bias = TestData.Uniform(random, features);
        using var arena = new TestArena();
        Buf y = arena.Put(x), bv = arena.Put(bias);

        Widths.Run(width, () => arena.Backend.BiasActivation(y, bv, batch, features, kind));

        double[] z = new double[x.Length];
        for (int i = 0; i < z.Length; i++)
        {
            z[i] = (double)x[i] + bias[i % features];
        }

        TestData.Close(ActivationReference.Forward(kind, z, batch, features), arena.Get(y), Tolerance.Elementwise, kind.ToString());
    }

    [Theory]
    [MemberData(nameof(KindsAndLengths))]
    public void Activation_MatchesReference(ActivationKind kind, int features)
    {
        const int batch = 2;
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * features, -3f, 3f);
        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length);

        arena.Backend.Activation(xv, yv, batch, features, kind);

        TestData.Close(ActivationReference.Forward(kind, TestData.ToDouble(x), batch, features), arena.Get(yv), Tolerance.Elementwise, kind.ToString());
    }

    [Fact]
    public void Softmax_LargeLogits_StaysFinite()
    {
        using var arena = new TestArena();
        Buf y = arena.Put([1000f, 1001f, 999f]);

        arena.Backend.Activation(y, y, 1, 3, ActivationKind.Softmax);

        TestData.Close(ActivationReference.Forward(ActivationKind.Softmax, [0, 1, -1], 1, 3), arena.Get(y), Tolerance.Elementwise);
    }

    [Theory]
    [MemberData(nameof(KindsAndLengthsAtWidths))]
    public void ActivationBackward_MatchesFiniteDifferences(ActivationKind kind, int features, int width)
    {
        const int batch = 2;
        var random = new Random(42);
        float[] x = TestData.Uniform(random, batch * features, -3f, 3f), dy = TestData.Uniform(random, batch * features);

        // ReLU's kink: keep inputs away from 0 so the central difference does not straddle it.
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Abs(x[i]) < 0.01f ? 0.5f : x[i];
        }

        using var arena = new TestArena();
        Buf xv = arena.Put(x), yv = arena.Zeros(x.Length), dyv = arena.Put(dy);
        arena.Backend.Activation(xv, yv, batch, features, kind);

        // In place, dx = dy, as generated code does.
        Widths.Run(width, () => arena.Backend.ActivationBackward(yv, dyv, dyv, batch, features, kind));

        double[] expected = TestData.NumericGradient(
            z => Dot(ActivationReference.Forward(kind, z, batch, features), dy), TestData.ToDouble(x));
        TestData.Close(expected, arena.Get(dyv), Tolerance.Gradient, "dx");
    }

    public static IEnumerable<object[]> BiasFeatures() => Widths.Times([[1], [17], [101], [256]]);

    [Theory]
    [MemberData(nameof(BiasFeatures))]
    public void BiasBackward_AccumulatesColumnSums(int features, int width)
    {
        const int batch = 37;
        var random = new Random(42);
        float[] dy = TestData.Uniform(random, batch * features), start = TestData.Uniform(random, features);
        using var arena = new TestArena();
        Buf dyv = arena.Put(dy), dBias = arena.Put(start);

        Widths.Run(width, () => arena.Backend.BiasBackward(dyv, dBias, batch, features));

        // d/dbias of sum(dy * (x + bias)) by central differences, added to the previous contents.
        double[] gradient = TestData.NumericGradient(
            bias =>
            {
                double sum = 0;
                for (int i = 0; i < dy.Length; i++)
                {
                    sum += dy[i] * bias[i % features];
                }

                return sum;
            },
            new double[features]);
        TestData.Close(gradient.Select((g, f) => g + start[f]).ToArray(), arena.Get(dBias), Tolerance.Gradient, "dBias");
    }

    private static double Dot(double[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
