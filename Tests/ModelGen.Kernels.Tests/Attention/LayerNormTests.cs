using ModelGen.Kernels.Tests.Backend;
using ModelGen.Kernels.Tests.Reference;

namespace ModelGen.Kernels.Tests.Attention;

/// <summary>LayerNormForward and LayerNormBackward against the double reference at every width, and split over two threads.</summary>
public sealed class LayerNormTests
{
    private const float Epsilon = 1e-3f;

    public static IEnumerable<object[]> Shapes() => Widths.Times(new[]
    {
        new object[] { 1, 1 }, new object[] { 3, 7 }, new object[] { 5, 15 }, new object[] { 4, 17 }, new object[] { 2, 33 },
        new object[] { 7, 128 }, new object[] { 3, 101 }, new object[] { 0, 5 },
    });

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_MatchesReference(int rows, int features, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, rows * features, -2f, 3f), gamma = TestData.Uniform(random, features, 0.5f, 1.5f);
        float[] beta = TestData.Uniform(random, features);
        using var arena = new TestArena();
        Buf vx = arena.Put(x), y = arena.Zeros(x.Length), g = arena.Put(gamma), b = arena.Put(beta), mean = arena.Zeros(rows), inv = arena.Zeros(rows);

        Widths.Run(width, () => arena.Backend.LayerNormForward(vx, y, g, b, mean, inv, rows, features, Epsilon));

        var expected = AttentionReference.LayerNormForward(TestData.ToDouble(x), TestData.ToDouble(gamma), TestData.ToDouble(beta), rows, features, Epsilon);
        TestData.Close(expected.Y, arena.Get(y), Tolerance.Elementwise, "y");
        TestData.Close(expected.Mean, arena.Get(mean), Tolerance.Elementwise, "savedMean");
        TestData.Close(expected.InvStd, arena.Get(inv), Tolerance.Elementwise, "savedInvStd");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_InPlace_MatchesSeparateOutput(int rows, int features, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, rows * features, -2f, 3f), gamma = TestData.Uniform(random, features), beta = TestData.Uniform(random, features);
        using var arena = new TestArena();
        Buf vx = arena.Put(x), y = arena.Zeros(x.Length), g = arena.Put(gamma), b = arena.Put(beta), mean = arena.Zeros(rows), inv = arena.Zeros(rows);

        Widths.Run(width, () =>
        {
            arena.Backend.LayerNormForward(vx, y, g, b, mean, inv, rows, features, Epsilon);
            arena.Backend.LayerNormForward(vx, vx, g, b, mean, inv, rows, features, Epsilon);
        });

        Assert.Equal(arena.Get(y), arena.Get(vx));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Backward_MatchesReference_AndAccumulatesParameters(int rows, int features, int width)
    {
        var random = new Random(42);
        float[] x = TestData.Uniform(random, rows * features, -2f, 3f), gamma = TestData.Uniform(random, features, 0.5f, 1.5f);
        float[] dy = TestData.Uniform(random, rows * features), dGamma0 = TestData.Uniform(random, features), dBeta0 = TestData.Uniform(random, features);
        using var arena = new TestArena();
        Buf vx = arena.Put(x), y = arena.Zeros(x.Length), g = arena.Put(gamma), b = arena.Zeros(features), mean = arena.Zeros(rows), inv = arena.Zeros(rows);
        Buf vdy = arena.Put(dy), dx = arena.Put(Enumerable.Repeat(float.NaN, x.Length).ToArray()), dg = arena.Put(dGamma0), db = arena.Put(dBeta0);

        Widths.Run(width, () =>
        {
            arena.Backend.LayerNormForward(vx, y, g, b, mean, inv, rows, features, Epsilon);
            arena.Backend.LayerNormBackward(vx, vdy, dx, g, dg, db, mean, inv, rows, features);
        });

        var expected = AttentionReference.LayerNormBackward(TestData.ToDouble(x), TestData.ToDouble(dy), TestData.ToDouble(gamma), rows, features, Epsilon);
        TestData.Close(expected.Dx, arena.Get(dx), Tolerance.Gradient, "dx");
        TestData.Close(expected.DGamma.Select((v, i) => v + dGamma0[i]).ToArray(), arena.Get(dg), Tolerance.Gradient, "dGamma");
        TestData.Close(expected.DBeta.Select((v, i) => v + dBeta0[i]).ToArray(), arena.Get(db), Tolerance.Gradient, "dBeta");
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SplitOverTwoThreads_IsBitwiseTheSame(int rows, int features, int width)
    {
        float[] Run(int threads)
        {
            var random = new Random(42);
            float[] x = TestData.Uniform(random, rows * features, -2f, 3f), gamma = TestData.Uniform(random, features);
            float[] dy = TestData.Uniform(random, rows * features);
            using var arena = new TestArena(1 << 16, threads);
            Buf vx = arena.Put(x), y = arena.Zeros(x.Length), g = arena.Put(gamma), b = arena.Zeros(features), mean = arena.Zeros(rows), inv = arena.Zeros(rows);
            Buf vdy = arena.Put(dy), dx = arena.Zeros(x.Length), dg = arena.Zeros(features), db = arena.Zeros(features);
            Widths.RunSplit(width, () =>
            {
                arena.Backend.LayerNormForward(vx, y, g, b, mean, inv, rows, features, Epsilon);
                arena.Backend.LayerNormBackward(vx, vdy, dx, g, dg, db, mean, inv, rows, features);
            });
            return [.. arena.Get(y), .. arena.Get(mean), .. arena.Get(inv), .. arena.Get(dx), .. arena.Get(dg), .. arena.Get(db)];
        }

        Assert.Equal(Run(1), Run(2));
    }
}
