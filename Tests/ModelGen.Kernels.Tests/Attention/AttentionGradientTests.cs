using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Attention;

/// <summary>
/// The backward formulas the kernels implement, checked on the double references by central finite differences: each
/// reference backward against the numeric gradient of sum(w * forward) with w the incoming gradient.
/// </summary>
public sealed class AttentionGradientTests
{
    private const double Epsilon = 1e-3;

    /// <summary>Analytic against central differences, both in double: close to the step's truncation error.</summary>
    private const double FiniteDifference = 1e-7;

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 7)]
    [InlineData(2, 17)]
    public void LayerNormBackward_MatchesFiniteDifferences(int rows, int features)
    {
        var random = new Random(42);
        double[] x = TestData.ToDouble(TestData.Uniform(random, rows * features, -2f, 2f));
        double[] gamma = TestData.ToDouble(TestData.Uniform(random, features, 0.5f, 1.5f));
        double[] beta = TestData.ToDouble(TestData.Uniform(random, features));
        double[] w = TestData.ToDouble(TestData.Uniform(random, rows * features));

        (double[] dx, double[] dGamma, double[] dBeta) = AttentionReference.LayerNormBackward(x, w, gamma, rows, features, Epsilon);

        double Loss(double[] xs, double[] g, double[] b) => Dot(AttentionReference.LayerNormForward(xs, g, b, rows, features, Epsilon).Y, w);
        Close(TestData.NumericGradient(v => Loss(v, gamma, beta), x), dx, FiniteDifference, "dx");
        Close(TestData.NumericGradient(v => Loss(x, v, beta), gamma), dGamma, FiniteDifference, "dGamma");
        Close(TestData.NumericGradient(v => Loss(x, gamma, v), beta), dBeta, FiniteDifference, "dBeta");
    }

    [Theory]
    [InlineData(1, 1, 0.5)]
    [InlineData(3, 5, 1.0)]
    [InlineData(2, 17, 0.125)]
    public void AttentionSoftmaxBackward_MatchesFiniteDifferences(int rows, int keys, double scale)
    {
        var random = new Random(42);
        double[] s = TestData.ToDouble(TestData.Uniform(random, rows * keys, -3f, 3f));
        double[] w = TestData.ToDouble(TestData.Uniform(random, rows * keys));
        double[] p = AttentionReference.Softmax(s, null, 1, 1, rows, keys, scale);

        double[] ds = AttentionReference.SoftmaxBackward(p, w, rows, keys, scale);

        double[] numeric = TestData.NumericGradient(v => Dot(AttentionReference.Softmax(v, null, 1, 1, rows, keys, scale), w), s);
        Close(numeric, ds, FiniteDifference, "dScores");
    }

    [Fact]
    public void GeluDerivative_MatchesFiniteDifferences()
    {
        double[] x = [-9, -4.5, -2, -1.3, -0.7, -1e-3, 0, 1e-3, 0.4, 1, 1.7, 2.5, 6];
        double[] numeric = TestData.NumericGradient(v => v.Sum(AttentionReference.Gelu), x);
        Close(numeric, x.Select(AttentionReference.GeluDerivative).ToArray(), FiniteDifference, "GELU'");
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.5, 0.5204998778130465)]
    [InlineData(1.0, 0.8427007929497149)]
    [InlineData(2.0, 0.9953222650189527)]
    [InlineData(-3.0, -0.9999779095030014)]
    [InlineData(4.5, 0.9999999998033839)]
    public void ReferenceErf_MatchesTables(double x, double erf) => Assert.Equal(erf, AttentionReference.Erf(x), 1e-15);

    [Theory]
    [InlineData(0.5, 0.4795001221869535)]
    [InlineData(2.0, 4.677734981047266e-3)]
    [InlineData(3.0, 2.209049699858544e-5)]
    [InlineData(5.0, 1.5374597944280349e-12)]
    [InlineData(10.0, 2.088487583762545e-45)]
    public void ReferenceErfc_MatchesTablesRelatively(double x, double erfc) =>
        Assert.True(Math.Abs(AttentionReference.Erfc(x) - erfc) <= 1e-13 * erfc, $"erfc({x}) = {AttentionReference.Erfc(x):R}, table {erfc:R}");

    private static double Dot(double[] a, double[] b) => a.Zip(b, (u, v) => u * v).Sum();

    private static void Close(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}[{i}]: numeric {expected[i]:R}, analytic {actual[i]:R}.");
        }
    }
}
